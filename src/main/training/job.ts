/**
 * runJob: one training job from a validated config — backend, data, model, Learner, Runner
 * and the standard callbacks — with hooks for whoever watches (CLI, trainer process).
 * This is the engine's only entry point for front doors.
 */
import type { CheckpointInfo, CheckpointPosition } from '../../shared/checkpoint';
import type { Hyperparams } from '../../shared/hyperparams';
import type { DataInfo, MetricRow, MetricsSnapshot, Progress, RunSummary } from '../../shared/records';
import { initBackend, type ResolvedBackend } from './backend';
import type { Callback } from './loop/callback';
import type { LiveControlCallback } from './callbacks/live-control';
import type { CallbackTimeline } from './loop/callback-timeline';
import type { EpochStats } from './callbacks/avg-stats';
import type { ThroughputCallback } from './callbacks/throughput';
import type { DataBunch } from './data/data-bunch';
import { dataInfo } from './data/data-info';
import { loadDataBunch, type LoadOptions } from './data/load';
import { loadCheckpoint } from './checkpoint/load-checkpoint';
import { restoreCheckpoint, type Restored } from './checkpoint/restore-checkpoint';
import { jobCallbacks } from './job-callbacks';
import { LrPlan } from './optim/lr-plan';
import { Learner } from './loop/learner';
import { crossEntropy } from './loss';
import { createCnn } from './models/cnn';
import { createMlp } from './models/mlp';
import type { Model } from './models/model';
import { Adam, Momentum, SGD, type Optimizer } from './optim/optimizers';
import { Runner } from './loop/runner';

export type { ResolvedBackend };

export interface JobStart {
  backend: ResolvedBackend;
  /** Human-readable device, e.g. "wasm (SIMD, 1 thread)" or "GPU: NVIDIA …". */
  device: string;
  epochs: number;
  batchesPerEpoch: number;
  totalIters: number;
  trainSize: number;
  validSize: number;
  /** Class names, input shape and image preparation: what predict and interpret need later. */
  data: DataInfo;
  /** Where a resumed or forked job starts: iterations and (fractional) epochs already done; absent for a fresh one. */
  from?: { iter: number; epoch: number; position: CheckpointPosition };
}

/** Where a job continues from instead of starting afresh (restore-checkpoint.ts says what each mode keeps). */
export interface JobFrom {
  /** A checkpoint folder (model/checkpoints/epoch-…). */
  dir: string;
  mode: 'resume' | 'fork';
  /** The run had been stopped by early stopping: its patience counts afresh. */
  restartEarlyStopping?: boolean;
}

export interface JobOptions {
  /** Called once the backend is up and the data loaded, before begin_fit. */
  onStart?: (info: JobStart) => void;
  /** Coalesced metric rows from TelemetryCallback, in order: iteration rows and epoch rows. */
  onRows?: (rows: MetricRow[]) => void;
  /** Progress, at most every few batches (terminal progress bars). */
  onProgress?: (progress: Progress) => void;
  /** Folder for CheckpointCallback (`last/` and `best/` in TensorFlow.js format); null: none. */
  modelDir?: string | null;
  /** Aborting stops the run after the current batch through CancelTrainException. */
  signal?: AbortSignal;
  /** Telemetry coalescing bounds. */
  telemetry?: { maxRows?: number; maxMs?: number; firstRowAtOnce?: boolean };
  /** More callbacks for this run (e.g. a terminal ProgressCallback). */
  callbacks?: Callback[];
  /** Passed to the data layer (the cache folder; decoding progress of an image folder). */
  data?: LoadOptions;
  /** Folder for ResumeCheckpointCallback's resumable checkpoints (model/checkpoints); null: none. */
  checkpointDir?: string | null;
  /** Told of each resumable checkpoint written. */
  onCheckpoint?: (info: CheckpointInfo) => void;
  /** Continue from a checkpoint: a resumed run or a fork. */
  from?: JobFrom;
  /** Pause and live edits from outside the loop (the trainer's parent). */
  control?: LiveControlCallback;
  /** Times every callback's hooks (the callback timeline); a last snapshot is reported when the fit ends. */
  timeline?: CallbackTimeline;
}

export interface JobResult {
  /** failed: the loss diverged (NaN or infinite) and TerminateOnNaN stopped the run. */
  status: 'completed' | 'cancelled' | 'failed';
  /** Why a failed run failed, in words for a person; null otherwise. */
  error: string | null;
  summary: RunSummary;
  backend: ResolvedBackend;
  device: string;
}

export function buildModel(
  config: Pick<Hyperparams, 'model' | 'hidden' | 'filters' | 'seed' | 'dropout' | 'batchNorm'>,
  data: DataBunch,
): Model {
  const shape = data.trainDl.dataset.shape;
  const { seed, dropout } = config;
  const batchNorm = config.batchNorm === 'on';
  if (config.model === 'mlp') {
    return createMlp({ inputs: data.trainDl.dataset.sampleSize, hidden: config.hidden, classes: data.c, seed, dropout, batchNorm });
  }
  if (shape.length !== 3) throw new Error(`the cnn model needs [height, width, channels] samples, got [${shape.join(', ')}]`);
  const filters = config.filters ? ([config.filters[0]!, config.filters[1]!] as const) : undefined;
  return createCnn({
    inputShape: shape as [number, number, number],
    classes: data.c,
    seed,
    dropout,
    batchNorm,
    ...(filters ? { filters } : {}),
  });
}

export function buildOptimizer(config: Pick<Hyperparams, 'optimizer' | 'lr' | 'momentum' | 'weightDecay'>, model: Model): Optimizer {
  const { lr, momentum, weightDecay } = config;
  switch (config.optimizer) {
    case 'sgd':
      return new SGD(model.params, { lr, weightDecay });
    case 'momentum':
      return new Momentum(model.params, { lr, momentum, weightDecay });
    case 'adam':
      return new Adam(model.params, { lr, momentum, weightDecay });
  }
}

const finiteOrNull = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

function snapshot(e: EpochStats): MetricsSnapshot {
  return {
    train_loss: finiteOrNull(e.train?.loss),
    train_accuracy: finiteOrNull(e.train?.metrics.accuracy),
    valid_loss: finiteOrNull(e.valid?.loss),
    valid_accuracy: finiteOrNull(e.valid?.metrics.accuracy),
  };
}

function summarize(history: readonly EpochStats[], runner: Runner, throughput: ThroughputCallback): RunSummary {
  let final: MetricsSnapshot | null = null;
  let bestLoss: number | null = null;
  let bestEpoch: number | null = null;
  let bestAccuracy: number | null = null;
  for (const epoch of history) {
    final = snapshot(epoch);
    const { valid_loss: loss, valid_accuracy: acc } = final;
    if (loss !== null && (bestLoss === null || loss < bestLoss)) [bestLoss, bestEpoch] = [loss, epoch.epoch];
    if (acc !== null && (bestAccuracy === null || acc > bestAccuracy)) bestAccuracy = acc;
  }
  return {
    epochs: history.length,
    iterations: runner.nIter,
    final,
    best_valid_accuracy: bestAccuracy,
    best_valid_loss: bestLoss,
    best_epoch: bestEpoch,
    samples_per_second: throughput.samplesPerSecond,
    stopped_by: runner.stopReason,
  };
}

export async function runJob(config: Hyperparams, options: JobOptions = {}): Promise<JobResult> {
  const { backend, device } = await initBackend(config.backend);
  const data = await loadDataBunch(config, options.data);
  const model = buildModel(config, data);
  const opt = buildOptimizer(config, model);
  try {
    const restored = options.from ? await restoreFrom(options.from, { model, opt, config, batchesPerEpoch: data.trainDl.length }) : null;
    const learner = new Learner(model, opt, crossEntropy, data);
    const plan = restored?.plan ?? LrPlan.fresh(config, config.epochs);
    const { all, avgStats, throughput, terminateOnNaN } = jobCallbacks(config, options, plan);
    const runner = new Runner(all, undefined, { timeline: options.timeline });

    const batchesPerEpoch = data.trainDl.length;
    options.onStart?.({
      backend,
      device,
      epochs: config.epochs,
      batchesPerEpoch,
      totalIters: config.epochs * batchesPerEpoch,
      trainSize: data.trainDl.dataset.length,
      validSize: data.validDl.dataset.length,
      data: dataInfo(data),
      ...(restored ? { from: restored.from } : {}),
    });
    if (restored) {
      // The shuffle order of an epoch is a function of (seed, epoch) alone: start at the checkpoint's.
      data.trainDl.seek(restored.position.epoch);
      await runner.fit(config.epochs, learner, { start: restored.position, restore: async () => restored.restoreCallbacks(runner.cbs) });
    } else {
      await runner.fit(config.epochs, learner);
    }
    options.timeline?.report();
    const diverged = terminateOnNaN.detail;
    return {
      status: runner.stopReason === 'user' ? 'cancelled' : diverged !== null ? 'failed' : 'completed',
      error: diverged !== null ? `Training diverged (${diverged}); try a lower learning rate` : null,
      summary: summarize(avgStats.history, runner, throughput),
      backend,
      device,
    };
  } finally {
    opt.dispose();
    model.dispose();
  }
}

/** Loads `from`'s checkpoint into the new model and optimizer (the loaded copy freed at once). */
async function restoreFrom(
  from: JobFrom,
  target: { model: Model; opt: Optimizer; config: Hyperparams; batchesPerEpoch: number },
): Promise<Restored & { from: NonNullable<JobStart['from']> }> {
  const loaded = await loadCheckpoint(from.dir);
  try {
    const restored = restoreCheckpoint(loaded, { ...target, mode: from.mode, restartEarlyStopping: from.restartEarlyStopping });
    const { n_iter, n_epochs, position } = loaded.state;
    return { ...restored, from: { iter: n_iter, epoch: n_epochs, position } };
  } finally {
    loaded.dispose();
  }
}
