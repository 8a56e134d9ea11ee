/**
 * The kernel split's summary: medians per kernel call and for the step, the time outside
 * the kernels as the step's median less the calls', each row's speedup, and the table.
 */
import { describe, expect, it } from 'vitest';
import { formatKernelSplit } from '../../../bench/lib/format-report';
import { summarizeKernelSplit } from '../../../bench/lib/kernel-split-result';

describe('the kernel split', () => {
  const result = {
    label: 'CNN 8-16, batch 64',
    cores: 2,
    rounds: 10,
    warmup_rounds: 4,
    step_one_thread_us: [1000, 900, 950],
    step_all_cores_us: [600, 640, 620],
    calls: [
      { call: 'convFwd#1', one_thread_us: [90, 100, 80], all_cores_us: [50, 45, 55] },
      { call: 'padNhwc#1', one_thread_us: [30, 30, 30], all_cores_us: [40, 38, 36] },
      { call: 'gemmNN#1', one_thread_us: [], all_cores_us: [] },
    ],
  };

  it('takes medians per call and leaves the rest of the step outside the kernels', () => {
    const s = summarizeKernelSplit(result);
    expect(s.timed_rounds).toBe(6);
    expect(s.calls[0]).toEqual({ call: 'convFwd#1', one_thread_us: 90, all_cores_us: 50, speedup: 1.8 });
    expect(s.calls[1]).toEqual({ call: 'padNhwc#1', one_thread_us: 30, all_cores_us: 38, speedup: 30 / 38 });
    expect(s.calls[2]).toEqual({ call: 'gemmNN#1', one_thread_us: null, all_cores_us: null, speedup: null });
    expect(s.step).toEqual({ call: 'step', one_thread_us: 950, all_cores_us: 620, speedup: 950 / 620 });
    // 950 − 90 − 30 and 620 − 50 − 38; the call with no turns counts for nothing.
    expect(s.outside).toEqual({ call: 'outside the kernels', one_thread_us: 830, all_cores_us: 532, speedup: 830 / 532 });
  });

  it('prints a row per call, then the rest and the step; a dash where nothing was timed', () => {
    expect(formatKernelSplit(summarizeKernelSplit(result))).toEqual([
      'Kernel split, CNN 8-16, batch 64: µs per step of each SIMD kernel call, 1 thread against 2 cores (timers on both; medians of 3 turns each; speedup < 1: slower on the cores)',
      '  call                 1 thread  2 cores   speedup',
      '  convFwd#1            90.0 µs   50.0 µs   1.80×',
      '  padNhwc#1            30.0 µs   38.0 µs   0.79×',
      '  gemmNN#1             —         —         —',
      '  outside the kernels  830.0 µs  532.0 µs  1.56×',
      '  step                 950.0 µs  620.0 µs  1.53×',
    ]);
  });
});
