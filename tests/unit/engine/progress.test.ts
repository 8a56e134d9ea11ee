/** ProgressCallback's table (on a plain stream) and ProgressReportCallback's throttled reports. */
import { PassThrough } from 'node:stream';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Progress } from '../../../src/shared/records';
import { initBackend } from '../../../src/main/training/backend';
import { Callback } from '../../../src/main/training/loop/callback';
import { AvgStatsCallback } from '../../../src/main/training/callbacks/avg-stats';
import { formatEpochRow, ProgressCallback } from '../../../src/main/training/callbacks/progress';
import { ProgressReportCallback } from '../../../src/main/training/callbacks/progress-report';
import { RecorderCallback } from '../../../src/main/training/callbacks/recorder';
import { StopAfterCallback } from '../../../src/main/training/callbacks/stop-after';
import { accuracy } from '../../../src/main/training/metrics';
import { Runner } from '../../../src/main/training/loop/runner';
import { disposeLearner, tinyLearner } from './engine-fixtures';

beforeAll(async () => {
  await initBackend('cpu');
});

async function fit(epochs: number, cbs: Callback[]): Promise<void> {
  const learner = tinyLearner();
  try {
    await new Runner(cbs).fit(epochs, learner);
  } finally {
    disposeLearner(learner);
  }
}

function capture(): { stream: PassThrough; text: () => string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

describe('ProgressCallback', () => {
  it('prints a header and one row per epoch, fastai-style, to a non-TTY stream', async () => {
    const { stream, text } = capture();
    await fit(2, [new AvgStatsCallback({ accuracy }), new RecorderCallback(), new ProgressCallback({ stream })]);
    const lines = text().trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]!.split(/\s+/)).toEqual(['epoch', 'train_loss', 'train_accuracy', 'valid_loss', 'valid_accuracy', 'time']);
    expect(lines[1]).toMatch(/^1\s+\d\.\d{6}\s+\d\.\d{6}\s+\d\.\d{6}\s+\d\.\d{6}\s+\d\d:\d\d$/);
    expect(lines[2]).toMatch(/^2\s/);
  });

  it('says why a run stopped early, and prints nothing when disabled', async () => {
    const on = capture();
    await fit(3, [new AvgStatsCallback({ accuracy }), new ProgressCallback({ stream: on.stream }), new StopAfterCallback(3)]);
    expect(on.text()).toContain('stopped early: stop-after (after 3 iterations)');
    const off = capture();
    await fit(1, [new AvgStatsCallback({ accuracy }), new ProgressCallback({ stream: off.stream, enabled: false })]);
    expect(off.text()).toBe('');
  });

  it('formats a row with dashes for a pass that did not run', () => {
    const row = formatEpochRow({ epoch: 3, train: { count: 5, loss: 0.5, metrics: { accuracy: 0.75 } }, valid: null }, 65);
    expect(row.split(/\s+/)).toEqual(['3', '0.500000', '0.750000', '—', '—', '01:05']);
  });
});

describe('ProgressReportCallback', () => {
  it('reports at the start, at most every everyMs during training, at each epoch end and at the end', async () => {
    let clock = 0;
    class Tick extends Callback {
      override order = -100;
      override async after_batch() {
        clock += 10;
      }
    }
    const reports: Progress[] = [];
    await fit(2, [
      new Tick(),
      new ProgressReportCallback(
        (p) => reports.push(p),
        15,
        () => clock,
      ),
    ]);
    // begin_fit; batch 2 (20 ms); epoch 1 end; batch 4 (20 ms after the epoch report); epoch 2 end; after_fit.
    expect(reports.map((p) => p.iter)).toEqual([0, 2, 2, 4, 4, 4]);
    expect(reports.at(-1)).toEqual({ iter: 4, total_iters: 4, epoch: 2, epochs: 2 });
  });
});
