/**
 * The threads section's kernel split: where a training step of the CNN preset at batch 64
 * spends its time on 1 thread and on every core, SIMD kernel call by kernel call
 * (bench/kernel-split.ts). It shows which calls the cores speed up and which they do not
 * (copies and masks whose inputs the other core has just written), so the threads ratio
 * can be read, not just reported.
 */
import { median } from './stats';

/** One kernel call of the step (`name#k`: the k-th call of that kernel in a step), µs per step of each timed turn. */
export interface KernelSplitCall {
  call: string;
  one_thread_us: number[];
  all_cores_us: number[];
}

export interface KernelSplitResult {
  label: string;
  cores: number;
  rounds: number;
  warmup_rounds: number;
  /** The step's wall time per timed turn, µs (timers included). */
  step_one_thread_us: number[];
  step_all_cores_us: number[];
  calls: KernelSplitCall[];
}

export interface KernelSplitRow {
  call: string;
  one_thread_us: number | null;
  all_cores_us: number | null;
  /** 1-thread µs over all-cores µs: above 1 the cores help; below 1 the call is slower on them. */
  speedup: number | null;
}

export interface KernelSplitSummary {
  label: string;
  cores: number;
  timed_rounds: number;
  step: KernelSplitRow;
  /** The step's time outside the kernels (tfjs dispatch, the tape, JavaScript). */
  outside: KernelSplitRow;
  calls: KernelSplitRow[];
}

const speedup = (one: number | null, all: number | null): number | null => (one !== null && all !== null && all > 0 ? one / all : null);

function row(call: string, one: readonly number[], all: readonly number[]): KernelSplitRow {
  const o = median(one);
  const a = median(all);
  return { call, one_thread_us: o, all_cores_us: a, speedup: speedup(o, a) };
}

/** Medians per call and for the step; the time outside the kernels is the step's median minus the calls' medians. */
export function summarizeKernelSplit(r: KernelSplitResult): KernelSplitSummary {
  const calls = r.calls.map((c) => row(c.call, c.one_thread_us, c.all_cores_us));
  const step = row('step', r.step_one_thread_us, r.step_all_cores_us);
  const sum = (pick: (c: KernelSplitRow) => number | null): number => calls.reduce((s, c) => s + (pick(c) ?? 0), 0);
  const outsideOne = step.one_thread_us === null ? null : step.one_thread_us - sum((c) => c.one_thread_us);
  const outsideAll = step.all_cores_us === null ? null : step.all_cores_us - sum((c) => c.all_cores_us);
  return {
    label: r.label,
    cores: r.cores,
    timed_rounds: r.rounds - r.warmup_rounds,
    step,
    outside: { call: 'outside the kernels', one_thread_us: outsideOne, all_cores_us: outsideAll, speedup: speedup(outsideOne, outsideAll) },
    calls,
  };
}
