/**
 * AvgStatsCallback weights each batch by its size. A loss equal to the batch's mean label and
 * an all-zero model (so every prediction is class 0) give numbers checkable by hand.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { AvgStatsCallback } from '../../../src/main/training/callbacks/avg-stats';
import { DataBunch } from '../../../src/main/training/data/data-bunch';
import { DataLoader } from '../../../src/main/training/data/data-loader';
import { Dataset } from '../../../src/main/training/data/dataset';
import { Learner } from '../../../src/main/training/loop/learner';
import type { LossFn } from '../../../src/main/training/loss';
import { accuracy, type MetricFn } from '../../../src/main/training/metrics';
import { createMlp } from '../../../src/main/training/models/mlp';
import { SGD } from '../../../src/main/training/optim/optimizers';
import { Runner } from '../../../src/main/training/loop/runner';
import { Callback } from '../../../src/main/training/loop/callback';

beforeAll(async () => {
  await initBackend('cpu');
});

/** The batch's mean label, tied to pred with weight 0 so gradients exist (and are 0). */
const meanLabelLoss: LossFn = (pred, yb) => tf.tidy(() => tf.add(tf.mean(tf.cast(yb, 'float32')), tf.mul(tf.sum(pred), 0)) as tf.Scalar);

/** Runs `f`, counting the reads of tensor data from the backend meanwhile. */
async function countingReads(f: () => Promise<void>, onRead: () => void = () => undefined): Promise<number> {
  const backend = tf.backend() as unknown as { read: (id: object) => Promise<unknown> };
  const original = backend.read;
  let reads = 0;
  backend.read = function (this: unknown, id: object) {
    reads++;
    onRead();
    return original.call(this, id);
  };
  try {
    await f();
  } finally {
    backend.read = original;
  }
  return reads;
}

function dataset(labels: number[]): Dataset {
  return new Dataset(new Float32Array(labels.length * 2).fill(0.5), Int32Array.from(labels), [2]);
}

describe('AvgStatsCallback', () => {
  it('averages loss and accuracy over samples, not batches (batches of 3 and 2)', async () => {
    // Train batches: labels [1,1,0] (loss 2/3, acc 1/3) and [0,0] (loss 0, acc 1).
    // By sample: loss (2/3·3 + 0·2)/5 = 0.4, accuracy (1/3·3 + 1·2)/5 = 0.6 — a plain mean of
    // the batches would say 1/3 and 2/3.
    // Valid: one batch [1,0,1,1] → loss 0.75, accuracy 0.25.
    const data = new DataBunch(
      new DataLoader(dataset([1, 1, 0, 0, 0]), { batchSize: 3, shuffle: false }),
      new DataLoader(dataset([1, 0, 1, 1]), { batchSize: 4, shuffle: false }),
      2,
    );
    const model = createMlp({ inputs: 2, hidden: [3], classes: 2, seed: 0 });
    for (const p of model.params) p.assign(tf.zerosLike(p));
    const learner = new Learner(model, new SGD(model.params, { lr: 0.1 }), meanLabelLoss, data);
    // accuracy has a host form (scored from the values read back); the same metric without
    // it is a tensor per batch, read the same way: both must agree.
    const batchwise: MetricFn = (pred, yb) => accuracy(pred, yb);
    const stats = new AvgStatsCallback({ accuracy, batchwise });
    await new Runner([stats]).fit(2, learner);
    model.dispose();

    expect(stats.history).toHaveLength(2);
    for (const [i, epoch] of stats.history.entries()) {
      expect(epoch.epoch).toBe(i + 1);
      expect(epoch.train!.count).toBe(5);
      expect(epoch.train!.loss).toBeCloseTo(0.4, 6);
      expect(epoch.train!.metrics.accuracy).toBeCloseTo(0.6, 6);
      expect(epoch.train!.metrics.batchwise).toBeCloseTo(0.6, 6);
      expect(epoch.valid!.metrics.batchwise).toBeCloseTo(0.25, 6);
      expect(epoch.valid!.count).toBe(4);
      expect(epoch.valid!.loss).toBeCloseTo(0.75, 6);
      expect(epoch.valid!.metrics.accuracy).toBeCloseTo(0.25, 6);
    }
    expect(stats.last).toBe(stats.history[1]);
  });

  it('on the device path, reads the device back once per pass at after_epoch, not per batch', async () => {
    const data = new DataBunch(
      new DataLoader(dataset([1, 0, 1, 0, 1, 0, 1, 0]), { batchSize: 2, shuffle: false }),
      new DataLoader(dataset([1, 0]), { batchSize: 2, shuffle: false }),
      2,
    );
    const model = createMlp({ inputs: 2, hidden: [3], classes: 2, seed: 0 });
    const learner = new Learner(model, new SGD(model.params, { lr: 0.1 }), meanLabelLoss, data);
    const readsAt: number[] = [];
    let reads = 0;
    class Spy extends Callback {
      override order = 100;
      override async after_epoch() {
        readsAt.push(reads);
      }
    }
    try {
      await countingReads(
        () => new Runner([new AvgStatsCallback({ accuracy }), new Spy()], undefined, { values: { inPlace: false } }).fit(2, learner),
        () => reads++,
      );
    } finally {
      model.dispose();
    }
    // Two reads per epoch (train sums, valid sums), for 4 + 1 batches.
    expect(readsAt).toEqual([2, 4]);
  });

  it('reads each batch in place where the backend keeps it in host memory (cpu here): the same averages, no device read', async () => {
    const data = () =>
      new DataBunch(
        new DataLoader(dataset([1, 1, 0, 0, 0]), { batchSize: 3, shuffle: false }),
        new DataLoader(dataset([1, 0, 1, 1]), { batchSize: 4, shuffle: false }),
        2,
      );
    const run = async (inPlace: boolean) => {
      const model = createMlp({ inputs: 2, hidden: [3], classes: 2, seed: 0 });
      for (const p of model.params) p.assign(tf.zerosLike(p));
      const learner = new Learner(model, new SGD(model.params, { lr: 0.1 }), meanLabelLoss, data());
      const stats = new AvgStatsCallback({ accuracy });
      try {
        const reads = await countingReads(() => new Runner([stats], undefined, { values: { inPlace } }).fit(2, learner));
        return { history: stats.history, reads };
      } finally {
        model.dispose();
      }
    };
    const host = await run(true);
    const device = await run(false);
    expect(host.reads).toBe(0);
    expect(device.reads).toBe(4);
    expect(
      host.history.map((e) => [e.train!.count, e.train!.loss, e.train!.metrics.accuracy, e.valid!.loss, e.valid!.metrics.accuracy]),
    ).toEqual([
      [5, expect.closeTo(0.4, 6), expect.closeTo(0.6, 6), expect.closeTo(0.75, 6), expect.closeTo(0.25, 6)],
      [5, expect.closeTo(0.4, 6), expect.closeTo(0.6, 6), expect.closeTo(0.75, 6), expect.closeTo(0.25, 6)],
    ]);
    device.history.forEach((e, i) => {
      expect(e.train!.loss).toBeCloseTo(host.history[i]!.train!.loss, 6);
      expect(e.valid!.metrics.accuracy).toBe(host.history[i]!.valid!.metrics.accuracy);
    });
  });
});
