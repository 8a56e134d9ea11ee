/**
 * What a training measurement (bare loop, runJob, supervised run) reports, and how its
 * numbers come from per-step and per-epoch timestamps — computed the same way for all three.
 */
import type { JobBenchOptions } from './job-options';
import { batchSamples, pooledThroughput, type Tick } from './stats';

export interface EpochProbe {
  /** ms at the end of the epoch (after its validation pass), on the measurement's clock. */
  t: number;
  /** tf.memory().numTensors at that moment (null when measured in another process). */
  numTensors: number | null;
  rssMb: number | null;
  /** CPU time (user + system) this process had used by then, ms; null when measured elsewhere. */
  cpuMs: number | null;
}

/** One training step as seen from outside: 1-based global iteration and when it ended (ms). */
export interface StepTime {
  iter: number;
  t: number;
}

export interface StepLayout {
  batchesPerEpoch: number;
  trainSize: number;
  batchSize: number;
}

export interface Throughputs {
  /** Training passes only, after the warm-up (epochs, or time in sweep mode). */
  train_sps: number | null;
  /** Each epoch's training pass on its own, epoch 1 included (the warm-up shows here). */
  train_sps_per_epoch: (number | null)[];
  /** Whole epochs after the warm-up ones (train + validation + epoch-end work), epoch end to epoch end. */
  epoch_sps: number | null;
  /**
   * Like epoch_sps but per CPU-second of the training process: far less sensitive than wall
   * time to other work on a shared machine (null when the loop ran in another process).
   */
  epoch_cpu_sps: number | null;
}

export interface LoopResult extends Throughputs {
  kind: 'bare' | 'runner-core' | 'runner' | 'supervised';
  backend: string;
  device: string;
  model: string;
  batch_size: number;
  epochs: number;
  train_size: number;
  num_tensors_per_epoch: (number | null)[];
  rss_mb_per_epoch: (number | null)[];
  /** Peak resident set of the process that trained. */
  peak_rss_mb: number | null;
  final_valid_loss: number | null;
  /** Extra facts a measurement wants to show (e.g. the engine's own samples/s). */
  notes?: Record<string, unknown>;
}

/** Steps grouped by epoch, each with the samples it processed, from `fromIter` on. */
function epochWindows(steps: readonly StepTime[], layout: StepLayout, fromIter: number): Tick[][] {
  const { batchesPerEpoch, trainSize, batchSize } = layout;
  const byEpoch = new Map<number, Tick[]>();
  for (const s of steps) {
    if (s.iter < fromIter) continue;
    const epoch = Math.ceil(s.iter / batchesPerEpoch);
    const index = s.iter - 1 - (epoch - 1) * batchesPerEpoch;
    const ticks = byEpoch.get(epoch) ?? [];
    ticks.push({ t: s.t, samples: batchSamples(index, trainSize, batchSize) });
    byEpoch.set(epoch, ticks);
  }
  return [...byEpoch.values()];
}

/**
 * Steady-state training samples/s from step end times, from step `fromIter` on. Each epoch
 * is its own window (validation between epochs is not training time): its first kept
 * step's end marks the window's start, and the window covers the steps after it.
 */
export function trainThroughput(steps: readonly StepTime[], layout: StepLayout, fromIter: number): number | null {
  return pooledThroughput(epochWindows(steps, layout, fromIter));
}

/** Training samples/s of each epoch's pass on its own, epoch 1 included. */
export function trainThroughputPerEpoch(steps: readonly StepTime[], layout: StepLayout): (number | null)[] {
  return epochWindows(steps, layout, 1).map((ticks) => pooledThroughput([ticks]));
}

/** Training samples/s over the epochs after `warmupEpochs`, from epoch end times (wall ms or CPU ms). */
export function epochThroughput(epochEnds: readonly (number | null)[], trainSize: number, warmupEpochs: number): number | null {
  const timed = epochEnds.slice(warmupEpochs - 1);
  if (timed.length < 2 || timed.some((x) => x === null)) return null;
  const ms = timed.at(-1)! - timed[0]!;
  return ms > 0 ? ((trainSize * (timed.length - 1)) / ms) * 1000 : null;
}

/**
 * The step whose end starts the timing: the last step of the warm-up epochs, or in sweep
 * mode the first one at least `warmupBatches` in and `warmupMs` after the first step's end.
 * null while the warm-up is not over.
 */
export function timingMarker(steps: readonly StepTime[], opts: JobBenchOptions, batchesPerEpoch: number): StepTime | null {
  if (opts.budgetMs === null) return steps.find((s) => s.iter === opts.warmupEpochs * batchesPerEpoch) ?? null;
  const first = steps[0];
  if (!first) return null;
  return steps.find((s) => s.iter >= opts.warmupBatches && s.t - first.t >= opts.warmupMs) ?? null;
}

/** Sweep mode: true once the budget has passed since the warm-up and enough steps were timed. */
export function budgetSpent(steps: readonly StepTime[], opts: JobBenchOptions, batchesPerEpoch: number): boolean {
  if (opts.budgetMs === null) return false;
  const last = steps.at(-1);
  // Cheap test first: this runs after every step of the timed loop.
  if (!last || last.t - steps[0]!.t < opts.warmupMs + opts.budgetMs) return false;
  const marker = timingMarker(steps, opts, batchesPerEpoch);
  if (!marker || last.iter - marker.iter < opts.minTimedBatches) return false;
  return last.t - marker.t >= opts.budgetMs;
}

/** Every throughput of a run from its step and epoch timestamps. */
export function throughputs(
  steps: readonly StepTime[],
  epochs: readonly EpochProbe[],
  opts: JobBenchOptions,
  layout: StepLayout,
): Throughputs {
  const marker = timingMarker(steps, opts, layout.batchesPerEpoch);
  const sweep = opts.budgetMs !== null;
  return {
    train_sps: marker ? trainThroughput(steps, layout, marker.iter) : null,
    train_sps_per_epoch: trainThroughputPerEpoch(steps, layout),
    epoch_sps: sweep
      ? null
      : epochThroughput(
          epochs.map((e) => e.t),
          layout.trainSize,
          opts.warmupEpochs,
        ),
    epoch_cpu_sps: sweep
      ? null
      : epochThroughput(
          epochs.map((e) => e.cpuMs),
          layout.trainSize,
          opts.warmupEpochs,
        ),
  };
}
