/**
 * What a training measurement (bare loop, runJob, supervised run) reports, and how its
 * numbers are computed from per-step and per-epoch timestamps — the same way for all three.
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

export interface LoopResult {
  kind: 'bare' | 'runner' | 'supervised';
  backend: string;
  device: string;
  model: string;
  batch_size: number;
  epochs: number;
  train_size: number;
  /** Training passes only, steady state (epochs 2.., or after the warm-up batches in sweep mode). */
  train_sps: number | null;
  /** Whole epochs 2..E (train + validation + epoch-end work), epoch end to epoch end. */
  epoch_sps: number | null;
  /**
   * Like epoch_sps but per CPU-second of the training process: far less sensitive than wall
   * time to other work on a shared machine (null when the loop ran in another process).
   */
  epoch_cpu_sps: number | null;
  num_tensors_per_epoch: (number | null)[];
  rss_mb_per_epoch: (number | null)[];
  /** Peak resident set of the process that trained. */
  peak_rss_mb: number | null;
  final_valid_loss: number | null;
  /** Extra facts a measurement wants to show (e.g. the engine's own samples/s). */
  notes?: Record<string, unknown>;
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

/**
 * Steady-state training samples/s from step end times, counting steps from `fromIter` on.
 * Each epoch is its own window (validation between epochs is not training time): its
 * first kept step's end marks the window's start, and the window covers the steps after it.
 * fromIter = batchesPerEpoch + 1 skips epoch 1 (the warm-up); a small fromIter skips a few
 * warm-up batches.
 */
export function trainThroughput(steps: readonly StepTime[], layout: StepLayout, fromIter: number): number | null {
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
  return pooledThroughput([...byEpoch.values()]);
}

/** Training samples/s over whole epochs 2..E from epoch end times (epoch 1 is the warm-up). */
export function epochThroughput(epochEnds: readonly number[], trainSize: number): number | null {
  if (epochEnds.length < 2) return null;
  const ms = epochEnds.at(-1)! - epochEnds[0]!;
  return ms > 0 ? ((trainSize * (epochEnds.length - 1)) / ms) * 1000 : null;
}

/** Training samples per CPU-second over epochs 2..E, from the CPU time used at each epoch end. */
export function epochCpuThroughput(cpuMsAtEpochEnds: readonly (number | null)[], trainSize: number): number | null {
  const xs = cpuMsAtEpochEnds.filter((x): x is number => x !== null);
  if (xs.length < 2 || xs.length !== cpuMsAtEpochEnds.length) return null;
  return epochThroughput(xs, trainSize);
}

/** The first step that counts (as a start marker): epoch 2's first, or the last warm-up step in sweep mode. */
export function timedFrom(opts: JobBenchOptions, batchesPerEpoch: number): number {
  return opts.budgetMs === null ? batchesPerEpoch + 1 : opts.warmupBatches;
}

/** Sweep mode: true once the budget has passed since the warm-up and enough steps were timed. */
export function budgetSpent(steps: readonly StepTime[], opts: JobBenchOptions): boolean {
  if (opts.budgetMs === null) return false;
  const marker = steps.find((s) => s.iter === opts.warmupBatches);
  const last = steps.at(-1);
  if (!marker || !last || last.iter - marker.iter < opts.minTimedBatches) return false;
  return last.t - marker.t >= opts.budgetMs;
}
