/** The in-process interleaved measurement's arithmetic: per-round pairs, their range and the best epochs. */
import { describe, expect, it } from 'vitest';
import { summarizeInterleaved, type InterleavedResult } from '../../../bench/lib/interleaved-result';

const result = (
  bare: (number | null)[],
  core: (number | null)[],
  runner: (number | null)[],
  runjob: (number | null)[] = [],
  supervised: (number | null)[] = [],
  bareOps: (number | null)[] = [],
): InterleavedResult => ({
  kind: 'interleaved',
  backend: 'wasm',
  device: 'wasm (SIMD, 1 thread)',
  rounds: bare.length,
  kernels: "Runlab's SIMD kernels (kernels/simd/kernels.wat) for dense layers and SGD",
  bare_sps_per_round: bare,
  bare_ops_sps_per_round: bareOps,
  core_sps_per_round: core,
  runner_sps_per_round: runner,
  runjob_sps_per_round: runjob,
  supervised_sps_per_round: supervised,
});

describe('summarizeInterleaved', () => {
  it('pairs each round: a slow round for all loops does not move the ratio', () => {
    const s = summarizeInterleaved(
      result(
        [50_000, 25_000, 52_000],
        [49_000, 24_000, 52_000],
        [48_000, 23_000, 49_400],
        [47_500, 24_000, 52_000],
        [47_500, 24_000, 50_000],
        [25_000, 12_000, 27_040],
      ),
    );
    expect(s.kernels).toBe("Runlab's SIMD kernels (kernels/simd/kernels.wat) for dense layers and SGD");
    // The same loop on tfjs's products, round by round: 0.5, 0.48, 0.52.
    expect(s.bare_ops.ratio).toBeCloseTo(0.5, 10);
    expect(s.bare_ops.ratio_range).toEqual([0.48, 0.52]);
    expect(s.rounds).toBe(3);
    expect(s.bare_sps).toBe(50_000);
    expect(s.core.ratio).toBeCloseTo(0.98, 10);
    expect(s.core.ratio_range).toEqual([0.96, 1]);
    expect(s.runner.ratio).toBeCloseTo(0.95, 10);
    expect(s.runner.ratio_range![0]).toBeCloseTo(0.92, 10);
    expect(s.runner.ratio_range![1]).toBeCloseTo(0.96, 10);
    expect(s.runner.best_ratio).toBeCloseTo(49_400 / 52_000, 10);
    expect(s.runner.sps).toBe(48_000);
    expect(s.supervised.ratio).toBeCloseTo(0.96, 10);
    expect(s.supervised.best_ratio).toBeCloseTo(50_000 / 52_000, 10);
    expect(s.runjob.ratio).toBeCloseTo(0.96, 10);
    // Per round: 1, 1, 50,000 / 52,000.
    expect(s.supervised_vs_runjob).toBe(1);
  });

  it('leaves out a round a loop could not time, and says null when nothing was timed', () => {
    const s = summarizeInterleaved(result([50_000, 40_000], [null, 39_000], [null, null]));
    expect(s.core.ratio).toBeCloseTo(0.975, 10);
    expect(s.core.best_ratio).toBeCloseTo(0.78, 10);
    expect(s.runner).toEqual({ ratio: null, ratio_range: null, best_ratio: null, sps: null });
  });
});
