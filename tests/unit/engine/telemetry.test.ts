/** Recorder (batched loss readback) and Telemetry (coalesced rows, none lost or repeated). */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { MetricRowSchema, type MetricRow } from '../../../src/shared/records';
import { initBackend } from '../../../src/main/training/backend';
import { Callback } from '../../../src/main/training/loop/callback';
import { AvgStatsCallback } from '../../../src/main/training/callbacks/avg-stats';
import { RecorderCallback } from '../../../src/main/training/callbacks/recorder';
import { StopAfterCallback } from '../../../src/main/training/callbacks/stop-after';
import { TelemetryCallback } from '../../../src/main/training/callbacks/telemetry';
import { accuracy } from '../../../src/main/training/metrics';
import { Runner } from '../../../src/main/training/loop/runner';
import { disposeLearner, fitAndDispose, tinyBunch, tinyLearner } from './engine-fixtures';

beforeAll(async () => {
  await initBackend('cpu');
});

/** 20 train samples in batches of 2 → 10 iterations per epoch; 4 valid samples. */
const bunch = () => tinyBunch({ nTrain: 20, nValid: 4, batchSize: 2, validBatchSize: 4 });

const fit = (epochs: number, cbs: Callback[]): Promise<Runner> => fitAndDispose(epochs, tinyLearner(bunch()), cbs);

describe('RecorderCallback', () => {
  it.each([
    // Losses arrive 4 at a time after the 4th and 8th batches, and the rest at the pass's end (10 = 4 + 4 + 2).
    ['on the device path, read back in batches of `every` and at the end of each pass', false, [0, 0, 0, 0, 4, 4, 4, 4, 8, 8]],
    ['each read in place as its batch ends where the backend keeps it in host memory (cpu here)', true, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]],
  ])('keeps every training loss; %s', async (_, inPlace, seen) => {
    const direct: number[] = [];
    const lengthsSeen: number[] = [];
    const recorder = new RecorderCallback();
    class Direct extends Callback {
      override order = 10;
      override async after_batch() {
        if (!this.runner.inTrain) return;
        direct.push((await this.runner.loss!.data())[0]!);
        lengthsSeen.push(recorder.losses.length);
      }
    }
    await fitAndDispose(2, tinyLearner(bunch()), [recorder, new Direct()], {
      values: { every: 4, everyMs: Number.POSITIVE_INFINITY, inPlace },
    });
    expect(recorder.losses).toEqual(direct);
    expect(recorder.lrs).toEqual(Array(20).fill(0.1));
    expect(recorder.iters).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(recorder.epochs[9]).toBeCloseTo(1, 10);
    expect(lengthsSeen.slice(0, 10)).toEqual(seen);
  });

  it('holds no tensors between reads once the fit is over', async () => {
    const before = tf.memory().numTensors;
    const learner = tinyLearner(bunch());
    const runner = new Runner([new RecorderCallback(), new StopAfterCallback(5)], undefined, {
      values: { every: 1000, everyMs: Number.POSITIVE_INFINITY, inPlace: false },
    });
    await runner.fit(2, learner);
    // Only the model and the optimizer still hold tensors.
    disposeLearner(learner);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('TelemetryCallback', () => {
  function telemetry(opts: { maxRows?: number; maxMs?: number; now?: () => number; firstRowAtOnce?: boolean } = {}) {
    const deliveries: MetricRow[][] = [];
    const cb = new TelemetryCallback({ sink: (rows) => deliveries.push(rows), ...opts });
    return { cb, deliveries };
  }
  const stdCbs = () => [new AvgStatsCallback({ accuracy }), new RecorderCallback()];

  it('delivers every iteration row and every epoch row exactly once, in order, as valid MetricRows', async () => {
    const { cb, deliveries } = telemetry({ maxRows: 4, maxMs: Number.POSITIVE_INFINITY });
    await fit(2, [...stdCbs(), cb]);
    const rows = deliveries.flat();
    for (const row of rows) expect(MetricRowSchema.parse(row)).toEqual(row);
    const iters = rows.filter((r) => r.kind === 'iter');
    expect(iters.map((r) => r.iter)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // Each epoch row comes right after its epoch's last iteration row.
    expect(rows.map((r) => (r.kind === 'iter' ? r.iter : `E${r.epoch}`))).toEqual([
      ...Array.from({ length: 10 }, (_, i) => i + 1),
      'E1',
      ...Array.from({ length: 10 }, (_, i) => i + 11),
      'E2',
    ]);
    expect(deliveries.every((d) => d.length > 0 && d.length <= 4)).toBe(true);
    const epochRow = rows.find((r) => r.kind === 'epoch' && r.epoch === 2);
    expect(epochRow).toMatchObject({ kind: 'epoch', epoch: 2, iter: 20 });
    if (epochRow?.kind === 'epoch') {
      expect(epochRow.valid_accuracy).toBeGreaterThanOrEqual(0);
      expect(epochRow.seconds).toBeGreaterThan(0);
    }
  });

  it('coalesces: with large bounds it delivers once per epoch, and once more for a cut epoch', async () => {
    const { cb, deliveries } = telemetry({ maxRows: 10_000, maxMs: Number.POSITIVE_INFINITY });
    await fit(3, [...stdCbs(), cb, new StopAfterCallback(25)]);
    // Epochs 1 and 2 at after_epoch (11 rows each), then the 5 iterations of epoch 3 at after_fit.
    expect(deliveries.map((d) => d.length)).toEqual([11, 11, 5]);
    expect(deliveries.flat().filter((r) => r.kind === 'iter')).toHaveLength(25);
  });

  it('with firstRowAtOnce delivers the first row on its own, at once, then coalesces as before', async () => {
    const { cb, deliveries } = telemetry({ maxRows: 10_000, maxMs: Number.POSITIVE_INFINITY, firstRowAtOnce: true });
    await fit(3, [...stdCbs(), cb, new StopAfterCallback(25)]);
    expect(deliveries.map((d) => d.length)).toEqual([1, 10, 11, 5]);
    expect(deliveries[0]).toEqual([expect.objectContaining({ kind: 'iter', iter: 1 })]);
  });

  it('delivers once maxMs has passed on its clock', async () => {
    let clock = 0;
    class Tick extends Callback {
      override order = -100;
      override async after_batch() {
        clock += 10;
      }
    }
    const { cb, deliveries } = telemetry({ maxRows: 10_000, maxMs: 35, now: () => clock });
    await fit(1, [new Tick(), new AvgStatsCallback({ accuracy }), new RecorderCallback(), cb]);
    // A delivery whenever ≥ 35 ms passed: after iterations 4 and 8 (40 ms each), then the epoch end.
    expect(deliveries.map((d) => d.length)).toEqual([4, 4, 3]);
  });

  it('writes a diverged loss as null (JSON has no NaN)', async () => {
    const { cb, deliveries } = telemetry();
    class Poison extends Callback {
      override async after_loss() {
        const r = this.runner;
        if (r.inTrain && r.nIter === 1) {
          r.loss!.dispose();
          r.loss = tf.scalar(Number.NaN);
        }
      }
    }
    await fit(1, [new Poison(), ...stdCbs(), cb]);
    const iters = deliveries.flat().filter((r) => r.kind === 'iter');
    expect(iters[1]!.loss).toBeNull();
    expect(iters[0]!.loss).not.toBeNull();
  });
});
