/**
 * What the orchestrator asks of one measurement process (one JSON argument), and the run
 * config it stands for: the default job with the backend, model, batch size and epochs set.
 */
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../src/shared/hyperparams';

export type BenchBackend = 'tensorflow' | 'wasm' | 'cpu';
export type BenchModel = 'mlp' | 'cnn';

export interface JobBenchOptions {
  backend: BenchBackend;
  model: BenchModel;
  batchSize: number;
  /** The MLP's hidden sizes and the CNN's filters (the default job's unless set). */
  hidden: number[];
  filters: [number, number];
  lr: number;
  /** Epochs to run. */
  epochs: number;
  /** Whole-epoch mode: the first this many epochs warm up (JIT, wasm tier-up) and are not timed. */
  warmupEpochs: number;
  /**
   * Sweep mode: time `budgetMs` of training (at least `minTimedBatches` steps) after a warm-up
   * of `warmupMs` and at least `warmupBatches` steps, then stop. null: whole-epoch mode.
   */
  budgetMs: number | null;
  warmupMs: number;
  warmupBatches: number;
  minTimedBatches: number;
}

export const DEFAULT_JOB_OPTIONS: JobBenchOptions = {
  backend: 'wasm',
  model: 'mlp',
  batchSize: 64,
  hidden: [...DEFAULT_HYPERPARAMS.hidden],
  filters: [DEFAULT_HYPERPARAMS.filters[0]!, DEFAULT_HYPERPARAMS.filters[1]!],
  lr: DEFAULT_HYPERPARAMS.lr,
  epochs: 5,
  warmupEpochs: 2,
  budgetMs: null,
  warmupMs: 1500,
  warmupBatches: 1,
  minTimedBatches: 1,
};

const BACKENDS: readonly string[] = ['tensorflow', 'wasm', 'cpu'];
const MODELS: readonly string[] = ['mlp', 'cnn'];

function positiveInt(value: unknown, field: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new Error(`bench options: ${field} must be a whole number ≥ ${min}, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Parses the JSON argument of a measurement process; errors name the field. */
export function parseJobOptions(json: string | undefined): JobBenchOptions {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(json ?? '{}') as Record<string, unknown>;
  } catch (err) {
    throw new Error(`bench options: expected one JSON object argument (${(err as Error).message})`, { cause: err });
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new Error('bench options: expected a JSON object');
  const o = { ...DEFAULT_JOB_OPTIONS, ...raw };
  if (!BACKENDS.includes(o.backend))
    throw new Error(`bench options: backend must be one of ${BACKENDS.join(', ')}, got ${JSON.stringify(o.backend)}`);
  if (!MODELS.includes(o.model))
    throw new Error(`bench options: model must be one of ${MODELS.join(', ')}, got ${JSON.stringify(o.model)}`);
  const budgetMs = o.budgetMs === null ? null : positiveInt(o.budgetMs, 'budgetMs', 1);
  const sizes = (value: unknown, field: string, count?: number): number[] => {
    if (!Array.isArray(value) || value.length === 0 || (count !== undefined && value.length !== count)) {
      throw new Error(`bench options: ${field} must be a list of ${count ?? 'one or more'} sizes, got ${JSON.stringify(value)}`);
    }
    return value.map((v, i) => positiveInt(v, `${field}[${i}]`, 1));
  };
  if (typeof o.lr !== 'number' || !(o.lr > 0)) throw new Error(`bench options: lr must be a number > 0, got ${JSON.stringify(o.lr)}`);
  const warmupEpochs = positiveInt(o.warmupEpochs, 'warmupEpochs', 1);
  return {
    backend: o.backend,
    model: o.model,
    batchSize: positiveInt(o.batchSize, 'batchSize', 1),
    hidden: sizes(o.hidden, 'hidden'),
    filters: sizes(o.filters, 'filters', 2) as [number, number],
    lr: o.lr,
    // Whole-epoch mode needs at least one timed epoch after the warm-up ones.
    epochs: positiveInt(o.epochs, 'epochs', budgetMs === null ? warmupEpochs + 1 : 1),
    warmupEpochs,
    budgetMs,
    warmupMs: positiveInt(o.warmupMs, 'warmupMs', 0),
    warmupBatches: positiveInt(o.warmupBatches, 'warmupBatches', 1),
    minTimedBatches: positiveInt(o.minTimedBatches, 'minTimedBatches', 1),
  };
}

/** The default job's config with this measurement's settings (what runJob and the supervisor get). */
export function jobConfig(o: JobBenchOptions): Hyperparams {
  return {
    ...DEFAULT_HYPERPARAMS,
    backend: o.backend,
    model: o.model,
    batchSize: o.batchSize,
    hidden: o.hidden,
    filters: o.filters,
    lr: o.lr,
    epochs: o.epochs,
  };
}
