/**
 * What bench/interleaved.ts reports, and the arithmetic from its per-round epochs to the
 * ratios (pure, so it is tested without training).
 */
import { median, pairedRatio, pairedRatios, range, ratioOf } from './stats';

export interface InterleavedResult {
  kind: 'interleaved';
  backend: string;
  device: string;
  /** Timed rounds (each: one epoch of each loop, in rotating order). */
  rounds: number;
  /** Which kernels trained (bench/lib/kernels-in-use.ts). */
  kernels: string;
  /** Training samples/s of each timed round's epoch, per loop. */
  bare_sps_per_round: (number | null)[];
  /** The bare loop on TensorFlow.js's kernels (Runlab's SIMD kernels switched off). */
  bare_ops_sps_per_round: (number | null)[];
  core_sps_per_round: (number | null)[];
  runner_sps_per_round: (number | null)[];
  /** Whole runs (two epochs, the second timed): runJob in this process, and through RunSupervisor + RunStore. */
  runjob_sps_per_round: (number | null)[];
  supervised_sps_per_round: (number | null)[];
  /** The Runner with runJob's callbacks and the callback timeline on (absent in older reports). */
  timed_sps_per_round?: (number | null)[];
  /** The timeline's cost per training step, measured directly (bench/interleaved.ts). */
  timeline_cost?: { hook_calls_per_step: number; ns_per_call: number; step_p50_ms: number; overhead: number } | null;
}

export interface InterleavedRatio {
  /** Median of per-round ratios to the bare loop: each pair ran back to back in one process. */
  ratio: number | null;
  ratio_range: [number, number] | null;
  /** Fastest epoch over the bare loop's fastest epoch. */
  best_ratio: number | null;
  sps: number | null;
}

export interface InterleavedSummary {
  kernels: string;
  bare_sps: number | null;
  /** The bare loop on TensorFlow.js's products against the bare loop: what the SIMD kernels gain. */
  bare_ops: InterleavedRatio;
  /** The Runner with TrainEvalCallback only. */
  core: InterleavedRatio;
  /** The Runner with runJob's callbacks. */
  runner: InterleavedRatio;
  /** runJob as a whole run. */
  runjob: InterleavedRatio;
  /** Through the supervisor and store. */
  supervised: InterleavedRatio;
  /** Median of per-round supervised/runJob ratios: what the supervisor and store add. */
  supervised_vs_runjob: number | null;
  /** Median of per-round ratios of the Runner with the callback timeline on to the same Runner without it. */
  timeline_vs_runner: number | null;
  timeline_cost: NonNullable<InterleavedResult['timeline_cost']> | null;
  rounds: number;
}

const finite = (xs: readonly (number | null)[]): number[] => xs.filter((x): x is number => x != null && Number.isFinite(x));

const best = (xs: number[]): number | null => (xs.length > 0 ? Math.max(...xs) : null);

function against(loop: readonly (number | null)[], bare: readonly (number | null)[]): InterleavedRatio {
  return {
    ratio: pairedRatio(loop, bare),
    ratio_range: range(pairedRatios(loop, bare)),
    best_ratio: ratioOf(best(finite(loop)), best(finite(bare))),
    sps: median(finite(loop)),
  };
}

export function summarizeInterleaved(r: InterleavedResult): InterleavedSummary {
  return {
    kernels: r.kernels,
    bare_sps: median(finite(r.bare_sps_per_round)),
    bare_ops: against(r.bare_ops_sps_per_round, r.bare_sps_per_round),
    core: against(r.core_sps_per_round, r.bare_sps_per_round),
    runner: against(r.runner_sps_per_round, r.bare_sps_per_round),
    runjob: against(r.runjob_sps_per_round, r.bare_sps_per_round),
    supervised: against(r.supervised_sps_per_round, r.bare_sps_per_round),
    supervised_vs_runjob: pairedRatio(r.supervised_sps_per_round, r.runjob_sps_per_round),
    timeline_vs_runner: r.timed_sps_per_round ? pairedRatio(r.timed_sps_per_round, r.runner_sps_per_round) : null,
    timeline_cost: r.timeline_cost ?? null,
    rounds: r.rounds,
  };
}
