/**
 * seedSyntheticRuns: finished runs with long, realistic-looking metric histories written
 * through the real RunStore, for UI benchmarks that need 50,000-point series without
 * training for an hour. The curves are a decaying loss with seeded noise, epoch rows at
 * epoch ends, and the config's learning-rate schedule.
 */
import { HyperparamsSchema, type Hyperparams } from '../src/shared/hyperparams';
import type { EpochRow, IterRow, MetricRow, RunRecord } from '../src/shared/records';
import { RunStore } from '../src/main/runs/store/store';
import { createRng } from '../src/shared/seeded-random';

export interface SyntheticRunSpec {
  name: string;
  iterations: number;
  itersPerEpoch: number;
  config?: Partial<Hyperparams>;
  /** Loss floor the curve decays to; different per run so curves separate. */
  floor?: number;
  seed?: number;
  msPerIter?: number;
  /** Train losses to put in place of the curve at these iterations (a spike, a blow-up). */
  spikes?: Record<number, number>;
  /** The lr the rows record: the config's lr under a cosine decay (default), or constant. */
  lrCurve?: 'cosine' | 'constant';
  /** The sweep the run belongs to (RunRecord.group), for seed groups. */
  group?: string;
}

export function syntheticRows(spec: SyntheticRunSpec, lr: number): MetricRow[] {
  return [...syntheticRowChunks(spec, lr, Number.MAX_SAFE_INTEGER)].flat();
}

/** The same rows, `chunkRows` at a time: five million of them without holding them all. */
export function* syntheticRowChunks(spec: SyntheticRunSpec, lr: number, chunkRows: number): Generator<MetricRow[]> {
  const rand = createRng(spec.seed ?? 1);
  const floor = spec.floor ?? 0.15;
  const msPerIter = spec.msPerIter ?? 2;
  const rows: MetricRow[] = [];
  for (let i = 1; i <= spec.iterations; i++) {
    const progress = i / spec.iterations;
    const clean = floor + 2.2 * Math.exp(-i / (spec.itersPerEpoch * 0.35));
    const loss = spec.spikes?.[i] ?? clean * (1 + (rand() - 0.5) * 0.5);
    const iterRow: IterRow = {
      kind: 'iter',
      iter: i,
      epoch: i / spec.itersPerEpoch,
      loss,
      lr: spec.lrCurve === 'constant' ? lr : lr * (0.5 + 0.5 * Math.cos(Math.PI * progress)),
      t: i * msPerIter,
    };
    rows.push(iterRow);
    if (i % spec.itersPerEpoch === 0 || i === spec.iterations) {
      const epoch = Math.ceil(i / spec.itersPerEpoch);
      const valid = clean * 1.08;
      const epochRow: EpochRow = {
        kind: 'epoch',
        epoch,
        iter: i,
        train_loss: clean,
        train_accuracy: Math.min(0.995, 1 - clean / 2.6),
        valid_loss: valid,
        valid_accuracy: Math.min(0.99, 1 - valid / 2.5),
        seconds: (spec.itersPerEpoch * msPerIter) / 1000,
        t: i * msPerIter + 150,
      };
      rows.push(epochRow);
    }
    if (rows.length >= chunkRows) yield rows.splice(0);
  }
  if (rows.length > 0) yield rows;
}

/** Writes each run (config, finished status, summary) and its rows; returns the records. */
export async function seedSyntheticRuns(dataDir: string, specs: readonly SyntheticRunSpec[]): Promise<RunRecord[]> {
  const store = new RunStore(dataDir);
  const out: RunRecord[] = [];
  for (const spec of specs) {
    const config = HyperparamsSchema.parse(spec.config ?? {});
    const created = await store.create({
      config,
      name: spec.name,
      status: 'running',
      ownerPid: null,
      ...(spec.group === undefined ? {} : { group: spec.group }),
    });
    const rows = syntheticRows(spec, config.lr);
    for (let i = 0; i < rows.length; i += 5000) await store.appendMetrics(created.id, rows.slice(i, i + 5000));
    const epochRows = rows.filter((r): r is EpochRow => r.kind === 'epoch');
    const last = epochRows[epochRows.length - 1];
    const best = epochRows.reduce((a, b) => ((b.valid_accuracy ?? 0) > (a.valid_accuracy ?? 0) ? b : a), epochRows[0] as EpochRow);
    const lastT = rows[rows.length - 1]?.t ?? 0;
    const started = new Date(Date.parse(created.created) - lastT - 1000).toISOString();
    out.push(
      await store.update(created.id, (r) => ({
        ...r,
        status: 'completed',
        backend: 'wasm',
        device: 'wasm (SIMD, 1 thread)',
        started,
        ended: created.created,
        owner_pid: null,
        progress: {
          iter: spec.iterations,
          total_iters: spec.iterations,
          epoch: spec.iterations / spec.itersPerEpoch,
          epochs: epochRows.length,
        },
        summary: {
          epochs: epochRows.length,
          iterations: spec.iterations,
          final: last
            ? {
                train_loss: last.train_loss,
                train_accuracy: last.train_accuracy,
                valid_loss: last.valid_loss,
                valid_accuracy: last.valid_accuracy,
              }
            : null,
          best_valid_accuracy: best?.valid_accuracy ?? null,
          best_valid_loss: Math.min(...epochRows.map((e) => e.valid_loss ?? Infinity)),
          best_epoch: best?.epoch ?? null,
          samples_per_second: (config.batchSize * 1000) / (spec.msPerIter ?? 2),
          stopped_by: null,
        },
      })),
    );
  }
  return out;
}

/**
 * seedManyRuns: `count` finished runs (records only, no metric rows) for list-scale tests
 * and benchmarks — 1,000 runs in about a second. Each run.json is a valid record written
 * straight into its folder (no fsync: a seed, not a user's data); configs and results vary
 * so that every column sorts differently.
 */
export async function seedManyRuns(dataDir: string, count: number): Promise<RunRecord[]> {
  const { mkdir, writeFile } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const { RUN_SCHEMA_VERSION, RunRecordSchema } = await import('../src/shared/records');
  const runsDir = join(dataDir, 'runs');
  await mkdir(runsDir, { recursive: true });
  const rand = createRng(count);
  const base = Date.parse('2024-06-01T08:00:00.000Z');
  const optimizers = ['sgd', 'momentum', 'adam'] as const;
  const records: RunRecord[] = [];
  for (let i = 0; i < count; i++) {
    const created = new Date(base + i * 61_000);
    const stamp = created.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
    const id = `${stamp}-${(i % 65536).toString(16).padStart(4, '0')}`;
    const epochs = 1 + (i % 20);
    const accuracy = 0.8 + rand() * 0.19;
    const loss = (1 - accuracy) * 2;
    const config = HyperparamsSchema.parse({
      lr: [0.5, 0.1, 0.05, 0.01, 0.003][i % 5],
      optimizer: optimizers[i % 3],
      epochs,
      batchSize: [32, 64, 128][i % 3],
      hidden: i % 2 ? [100, 50] : [50],
      seed: i,
    });
    const final = { train_loss: loss * 0.9, train_accuracy: accuracy + 0.005, valid_loss: loss, valid_accuracy: accuracy };
    records.push(
      RunRecordSchema.parse({
        schema: RUN_SCHEMA_VERSION,
        id,
        name: `seeded run ${String(i + 1).padStart(4, '0')}`,
        tags: i % 7 === 0 ? ['baseline'] : [],
        notes: '',
        config,
        status: i % 50 === 7 ? 'failed' : i % 25 === 3 ? 'cancelled' : 'completed',
        backend: 'wasm',
        device: 'wasm (SIMD, 1 thread)',
        created: created.toISOString(),
        started: new Date(created.getTime() + 500).toISOString(),
        ended: new Date(created.getTime() + 500 + epochs * 1300 + (i % 13) * 100).toISOString(),
        progress: null,
        summary: {
          epochs,
          iterations: epochs * 125,
          final,
          best_valid_accuracy: accuracy + 0.002,
          best_valid_loss: loss,
          best_epoch: epochs,
          samples_per_second: 30_000 + (i % 17) * 500,
          stopped_by: null,
        },
        error: null,
        owner_pid: null,
      }),
    );
  }
  const write = async (r: RunRecord) => {
    await mkdir(join(runsDir, r.id));
    await writeFile(join(runsDir, r.id, 'run.json'), `${JSON.stringify(r, null, 2)}\n`);
  };
  for (let i = 0; i < records.length; i += 50) await Promise.all(records.slice(i, i + 50).map(write));
  return records;
}
