/**
 * Resumable checkpoints through runJob: a run stopped mid-epoch (or at an epoch's end) and
 * resumed from its checkpoint ends with the same weights, metrics and rows as the same run
 * trained without a break — for SGD, momentum and Adam, with and without one-cycle, with
 * dropout (its random stream) and batch norm (its running statistics) in the model.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKPOINTS_DIR, parseCheckpointName } from '../../../src/shared/checkpoint';
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../../src/shared/hyperparams';
import type { MetricRow } from '../../../src/shared/records';
import { initBackend } from '../../../src/main/training/backend';
import { runJob, type JobOptions } from '../../../src/main/training/job';
import { Callback } from '../../../src/main/training/loop/callback';
import { loadModel } from '../../../src/main/training/models/load-model';
import { writeBlobsCsv } from '../../helpers/synthetic-csv';

let dir: string;
let csv: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlab-resume-'));
  csv = await writeBlobsCsv(dir);
  await initBackend('wasm');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 480 train rows in batches of 32: 15 iterations per epoch. */
const config = (over: Partial<Hyperparams>): Hyperparams => ({
  ...DEFAULT_HYPERPARAMS,
  dataset: 'csv',
  dataPath: csv,
  validFraction: 0.2,
  hidden: [16, 8],
  dropout: 0.2,
  batchNorm: 'on',
  batchSize: 32,
  epochs: 3,
  backend: 'wasm',
  ...over,
});

/** Aborts the run once `iter` iterations are done (it stops after the next step). */
class AbortAtCallback extends Callback {
  constructor(
    private readonly iter: number,
    private readonly abort: AbortController,
  ) {
    super();
  }
  override async after_batch(): Promise<void> {
    if (this.runner.inTrain && this.runner.nIter === this.iter) this.abort.abort();
  }
}

let runs = 0;
async function job(cfg: Hyperparams, options: JobOptions = {}) {
  const folder = join(dir, `run-${++runs}`);
  const rows: MetricRow[] = [];
  const result = await runJob(cfg, {
    modelDir: join(folder, 'model'),
    checkpointDir: join(folder, 'model', CHECKPOINTS_DIR),
    onRows: (r) => rows.push(...r),
    ...options,
  });
  return { result, rows, folder };
}

async function weights(modelDir: string): Promise<Map<string, Float32Array>> {
  const model = await loadModel(join(modelDir, 'last'));
  const out = new Map(await Promise.all(model.namedWeights.map(async (w) => [w.name, (await w.variable.data()) as Float32Array] as const)));
  model.dispose();
  return out;
}

function maxDifference(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  expect([...a.keys()]).toEqual([...b.keys()]);
  let max = 0;
  for (const [name, va] of a) {
    const vb = b.get(name)!;
    for (let i = 0; i < va.length; i++) max = Math.max(max, Math.abs(va[i]! - vb[i]!));
  }
  return max;
}

const timeless = (rows: MetricRow[]) => rows.map((r) => (r.kind === 'iter' ? { ...r, t: 0 } : { ...r, t: 0, seconds: 0 }));

async function checkpoints(folder: string): Promise<string[]> {
  return (await readdir(join(folder, 'model', CHECKPOINTS_DIR))).filter((n) => parseCheckpointName(n) !== null).sort();
}

const CASES: Array<[Hyperparams['optimizer'], number, Hyperparams['schedule']]> = [
  ['sgd', 0.2, 'constant'],
  ['sgd', 0.2, 'one-cycle'],
  ['momentum', 0.05, 'constant'],
  ['momentum', 0.05, 'one-cycle'],
  ['adam', 0.01, 'constant'],
  ['adam', 0.01, 'one-cycle'],
];

describe('resume from a checkpoint', () => {
  it.each(CASES)('%s (lr %s, %s): stopped mid-epoch and resumed, it ends where an unbroken run ends', async (optimizer, lr, schedule) => {
    const cfg = config({ optimizer, lr, schedule, momentum: 0.9, weightDecay: 1e-4 });
    const before = tf.memory().numTensors;
    const whole = await job(cfg);
    expect(whole.result.status).toBe('completed');

    const abort = new AbortController();
    const stopped = await job(cfg, { signal: abort.signal, callbacks: [new AbortAtCallback(20, abort)] });
    expect(stopped.result.status).toBe('cancelled');
    // Epoch 1's checkpoint, and the stop's: one epoch and 6 batches (iteration 21) done.
    expect(await checkpoints(stopped.folder)).toEqual(['epoch-0001', 'epoch-0001-batch-00006']);

    const resumedRows: MetricRow[] = [];
    const resumed = await runJob(cfg, {
      modelDir: join(stopped.folder, 'model'),
      checkpointDir: join(stopped.folder, 'model', CHECKPOINTS_DIR),
      onRows: (r) => resumedRows.push(...r),
      from: { dir: join(stopped.folder, 'model', CHECKPOINTS_DIR, 'epoch-0001-batch-00006'), mode: 'resume' },
    });
    expect(resumed.status).toBe('completed');
    expect(tf.memory().numTensors).toBe(before);

    expect(maxDifference(await weights(join(whole.folder, 'model')), await weights(join(stopped.folder, 'model')))).toBeLessThanOrEqual(
      1e-6,
    );
    const { samples_per_second: _a, ...wholeSummary } = whole.result.summary;
    const { samples_per_second: _b, ...resumedSummary } = resumed.summary;
    expect(resumedSummary).toEqual(wholeSummary);
    // The rows kept up to the checkpoint and the resumed run's: the unbroken run's, no gap, no repeat.
    const kept = stopped.rows.filter((r) => (r.kind === 'iter' ? r.iter <= 21 : r.epoch <= 1));
    expect(resumedRows[0]).toMatchObject({ kind: 'iter', iter: 22 });
    expect(timeless([...kept, ...resumedRows])).toEqual(timeless(whole.rows));
    // Only epoch checkpoints remain once a later one supersedes the stop's.
    expect(await checkpoints(stopped.folder)).toEqual(['epoch-0001', 'epoch-0002', 'epoch-0003']);
  });

  it('resumes at an epoch boundary (a run ended by stop-after) and trains on to more epochs', async () => {
    const cfg = config({ optimizer: 'momentum', lr: 0.05, schedule: 'cosine' });
    const whole = await job({ ...cfg, epochs: 4 });
    const stopped = await job({ ...cfg, stopAfter: 30 });
    expect(stopped.result.summary).toMatchObject({ iterations: 30, stopped_by: 'stop-after' });
    expect(await checkpoints(stopped.folder)).toEqual(['epoch-0001', 'epoch-0002']);
    // Stretched to 4 epochs: the cosine plan's rest is laid over epochs 2 → 4, so lr changes shape.
    const rows: MetricRow[] = [];
    const resumed = await runJob(
      { ...cfg, epochs: 4 },
      {
        modelDir: join(stopped.folder, 'model'),
        checkpointDir: join(stopped.folder, 'model', CHECKPOINTS_DIR),
        onRows: (r) => rows.push(...r),
        from: { dir: join(stopped.folder, 'model', CHECKPOINTS_DIR, 'epoch-0002'), mode: 'resume' },
      },
    );
    expect(resumed).toMatchObject({ status: 'completed', summary: { epochs: 4, iterations: 60, stopped_by: null } });
    expect(rows.filter((r) => r.kind === 'epoch').map((r) => r.epoch)).toEqual([3, 4]);
    const lrs = rows.flatMap((r) => (r.kind === 'iter' ? [r.lr] : []));
    // The stretched plan goes on from where it was, without a jump: cosine(0.05 → 0) at 2 of 3 epochs is 0.25 · 0.05…
    expect(lrs[0]).toBeCloseTo(0.0125, 12);
    // …and then takes two epochs, not one, for what was left: halfway there (epoch 3) it is at 5/6 of the old schedule.
    expect(lrs[15]).toBeCloseTo(0.05 * (1 - (1 + Math.cos(Math.PI / 6)) / 2), 12);
    // …and differs from a run planned for 4 epochs from the start, whose cosine is slower from the beginning.
    expect(resumed.summary.final).not.toEqual(whole.result.summary.final);
  });

  it('resumed from an epoch checkpoint, a run goes on with the rows of the unbroken run', async () => {
    const cfg = config({ optimizer: 'momentum', lr: 0.05, schedule: 'one-cycle' });
    const whole = await job(cfg);
    const rows: MetricRow[] = [];
    const resumed = await runJob(cfg, {
      onRows: (r) => rows.push(...r),
      from: { dir: join(whole.folder, 'model', CHECKPOINTS_DIR, 'epoch-0001'), mode: 'resume' },
    });
    expect(resumed.status).toBe('completed');
    expect(timeless(rows)).toEqual(timeless(whole.rows.filter((r) => (r.kind === 'iter' ? r.iter > 15 : r.epoch > 1))));
  });

  it('refuses a checkpoint whose model does not match, naming the weight', async () => {
    const cfg = config({ optimizer: 'sgd', lr: 0.2 });
    const first = await job({ ...cfg, stopAfter: 15 });
    const from = { dir: join(first.folder, 'model', CHECKPOINTS_DIR, 'epoch-0001'), mode: 'resume' as const };
    await expect(runJob({ ...cfg, hidden: [16, 9] }, { from })).rejects.toThrow(
      /dense_2\/kernel is \[16, 9\] here and \[16, 8\] in the checkpoint/,
    );
    await expect(runJob({ ...cfg, epochs: 1 }, { from })).rejects.toThrow(/is after 1 epochs: train to more than 1 epochs/);
  });
});
