/**
 * runJob: one training job from a validated config — backend, data, model, Learner, Runner
 * and the standard callbacks — with hooks for whoever watches (CLI, trainer process).
 * This is the engine's only entry point for front doors.
 */
import type { Hyperparams } from '../../shared/hyperparams';
import type { DataInfo, MetricRow, MetricsSnapshot, Progress, RunSummary } from '../../shared/records';
import { initBackend, type ResolvedBackend } from './backend';
import type { Callback } from './loop/callback';
import type { EpochStats } from './callbacks/avg-stats';
import type { ThroughputCallback } from './callbacks/throughput';
import type { DataBunch } from './data/data-bunch';
import { dataInfo } from './data/data-info';
import { loadDataBunch, type LoadOptions } from './data/load';
import { jobCallbacks } from './job-callbacks';
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
  telemetry?: { maxRows?: number; maxMs?: number };
  /** More callbacks for this run (e.g. a terminal ProgressCallback). */
  callbacks?: Callback[];
  /** Passed to the data layer (the cache folder; decoding progress of an image folder). */
  data?: LoadOptions;
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

export function buildModel(config: Pick<Hyperparams, 'model' | 'hidden' | 'seed' | 'dropout' | 'batchNorm'>, data: DataBunch): Model {
  const shape = data.trainDl.dataset.shape;
  const { seed, dropout } = config;
  const batchNorm = config.batchNorm === 'on';
  if (config.model === 'mlp') {
    return createMlp({ inputs: data.trainDl.dataset.sampleSize, hidden: config.hidden, classes: data.c, seed, dropout, batchNorm });
  }
  if (shape.length !== 3) throw new Error(`the cnn model needs [height, width, channels] samples, got [${shape.join(', ')}]`);
  return createCnn({ inputShape: shape as [number, number, number], classes: data.c, seed, dropout, batchNorm });
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
    const learner = new Learner(model, opt, crossEntropy, data);
    const { all, avgStats, throughput, terminateOnNaN } = jobCallbacks(config, options);
    const runner = new Runner(all);

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
    });
    await runner.fit(config.epochs, learner);
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
