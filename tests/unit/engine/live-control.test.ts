/**
 * LiveControlCallback through runJob: live edits take effect at the iteration they report
 * (the Recorder's lr shows it), the rest of the schedule keeps its shape, an edit the
 * optimizer cannot take is refused; a pause waits at a batch boundary with a checkpoint
 * and changes nothing about the run; Stop while paused ends it cancelled.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../../src/shared/hyperparams';
import type { EditChange, IterRow, MetricRow } from '../../../src/shared/records';
import { initBackend } from '../../../src/main/training/backend';
import { LiveControlCallback, type LiveControlOptions, type TrainingPoint } from '../../../src/main/training/callbacks/live-control';
import { runJob, type JobOptions } from '../../../src/main/training/job';
import { Callback } from '../../../src/main/training/loop/callback';
import { writeBlobsCsv } from '../../helpers/synthetic-csv';

let dir: string;
let csv: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlab-live-'));
  csv = await writeBlobsCsv(dir);
  await initBackend('wasm');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** 15 iterations per epoch. */
const config = (over: Partial<Hyperparams> = {}): Hyperparams => ({
  ...DEFAULT_HYPERPARAMS,
  dataset: 'csv',
  dataPath: csv,
  batchSize: 32,
  hidden: [16],
  epochs: 2,
  backend: 'wasm',
  ...over,
});

/** Calls `act` once, at after_batch of training iteration `iter`. */
class AtIterCallback extends Callback {
  constructor(
    private readonly iter: number,
    private readonly act: () => void,
  ) {
    super();
  }
  override async after_batch(): Promise<void> {
    if (this.runner.inTrain && this.runner.nIter === this.iter) this.act();
  }
}

interface Seen {
  edited: { id: number; at: TrainingPoint; changes: EditChange[] }[];
  refused: { id: number; error: string }[];
  paused: TrainingPoint[];
  resumed: TrainingPoint[];
}

async function job(
  cfg: Hyperparams,
  setup: (control: LiveControlCallback, seen: Seen) => Callback[],
  extra: Pick<LiveControlOptions, 'onPaused'> = {},
  options: JobOptions = {},
) {
  const seen: Seen = { edited: [], refused: [], paused: [], resumed: [] };
  const control = new LiveControlCallback({
    signal: options.signal,
    onEdited: (id, at, changes) => seen.edited.push({ id, at, changes }),
    onRefused: (id, error) => seen.refused.push({ id, error }),
    onPaused: (at, checkpoint) => {
      seen.paused.push(at);
      extra.onPaused?.(at, checkpoint);
    },
    onResumed: (at) => seen.resumed.push(at),
  });
  const rows: MetricRow[] = [];
  const result = await runJob(cfg, { control, callbacks: setup(control, seen), onRows: (r) => rows.push(...r), ...options });
  const iters = rows.filter((r): r is IterRow => r.kind === 'iter');
  return { result, rows, iters, seen, control };
}

const lrAt = (iters: IterRow[], iter: number) => iters.find((r) => r.iter === iter)!.lr;
const timeless = (rows: MetricRow[]) => rows.map((r) => (r.kind === 'iter' ? { ...r, t: 0 } : { ...r, t: 0, seconds: 0 }));

describe('live edits', () => {
  it('change the lr from the iteration they report, and that is what the Recorder shows', async () => {
    const { seen, result } = await job(config({ lr: 0.3 }), (control) => [
      new AtIterCallback(10, () => control.edit(7, { lr: 0.05, momentum: 0.5 })),
    ]);
    expect(result.status).toBe('completed');
    expect(seen.refused).toEqual([{ id: 7, error: 'momentum: the sgd optimizer has none' }]);
    expect(seen.edited).toEqual([]);
    const ok = await job(config({ lr: 0.3 }), (control) => [
      new AtIterCallback(10, () => control.edit(8, { lr: 0.05, weightDecay: 0.01 })),
    ]);
    expect(ok.seen.edited).toEqual([
      {
        id: 8,
        at: { iter: 11, epoch: expect.closeTo(10 / 15, 12), t: expect.any(Number) },
        changes: [
          { field: 'lr', from: 0.3, to: 0.05 },
          { field: 'weightDecay', from: 0, to: 0.01 },
        ],
      },
    ]);
    expect(lrAt(ok.iters, 10)).toBe(0.3);
    expect(lrAt(ok.iters, 11)).toBeCloseTo(0.05, 15);
    expect(lrAt(ok.iters, 30)).toBeCloseTo(0.05, 15);
  });

  it('keep the schedule’s shape when only the lr changes, or lay a new schedule over what is left', async () => {
    const cfg = config({ optimizer: 'momentum', lr: 0.2, schedule: 'cosine' });
    const plain = await job(cfg, () => []);
    const scaled = await job(cfg, (control) => [new AtIterCallback(15, () => control.edit(1, { lr: 0.05 }))]);
    const ratio = 0.05 / lrAt(plain.iters, 16);
    for (const iter of [16, 20, 29]) expect(lrAt(scaled.iters, iter)).toBeCloseTo(lrAt(plain.iters, iter) * ratio, 12);
    const linear = await job(cfg, (control) => [new AtIterCallback(15, () => control.edit(2, { lr: 0.1, schedule: 'linear' }))]);
    expect(linear.seen.edited[0]!.changes).toEqual([
      { field: 'lr', from: lrAt(plain.iters, 16), to: 0.1 },
      { field: 'schedule', from: 'cosine', to: 'linear' },
    ]);
    // Linear from 0.1 at epoch 1 down to 0 at epoch 2.
    expect(lrAt(linear.iters, 16)).toBeCloseTo(0.1, 12);
    expect(lrAt(linear.iters, 23)).toBeCloseTo(0.1 * (1 - 7 / 15), 12);
  });
});

describe('pause', () => {
  /** Pauses at iteration 7; while paused, `whilePaused` runs, then the run resumes. */
  async function pausedJob(cfg: Hyperparams, whilePaused: (control: LiveControlCallback) => void, options: JobOptions = {}) {
    const holder: { control: LiveControlCallback | null } = { control: null };
    const out = await job(
      cfg,
      (control) => {
        holder.control = control;
        return [new AtIterCallback(7, () => control.pause())];
      },
      // Resumed from outside the loop, a macrotask later: the fit is really waiting.
      { onPaused: () => void setTimeout(() => whilePaused(holder.control!), 20) },
      options,
    );
    return out;
  }

  it('waits at a batch boundary, writes a checkpoint there, and changes nothing about the run', async () => {
    const cfg = config({ optimizer: 'adam', lr: 0.01, dropout: 0.3 });
    const plain = await job(cfg, () => []);
    const before = tf.memory().numTensors;
    const folder = join(dir, 'paused');
    const paused = await pausedJob(cfg, (control) => control.resume(), { checkpointDir: folder });
    expect(paused.result.status).toBe('completed');
    expect(tf.memory().numTensors).toBe(before);
    expect(timeless(paused.rows)).toEqual(timeless(plain.rows));
    // The pause's checkpoint was superseded by the epochs' once the run went on.
    expect((await readdir(folder)).sort()).toEqual(['epoch-0001', 'epoch-0002']);
  });

  it('applies an edit made while paused at once, from the next iteration', async () => {
    const cfg = config({ lr: 0.3 });
    const out = await pausedJob(cfg, (control) => {
      control.edit(3, { lr: 0.02 });
      control.resume();
    });
    expect(out.seen.edited.map((e) => [e.id, e.at.iter])).toEqual([[3, 8]]);
    expect(out.seen.paused.map((p) => p.iter)).toEqual([7]);
    expect(out.seen.resumed.map((p) => p.iter)).toEqual([7]);
    expect([lrAt(out.iters, 7), lrAt(out.iters, 8)]).toEqual([0.3, 0.02]);
  });

  it('ends the run cancelled when it is stopped while paused, its checkpoint kept', async () => {
    const abort = new AbortController();
    const folder = join(dir, 'stopped');
    const out = await pausedJob(config(), () => abort.abort(), { signal: abort.signal, checkpointDir: folder });
    expect(out.result).toMatchObject({ status: 'cancelled', summary: { iterations: 7, stopped_by: 'user' } });
    expect(await readdir(folder)).toEqual(['epoch-0000-batch-00007']);
  });
});
