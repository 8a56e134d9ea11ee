/**
 * The threads section's summary: medians of each side's turns, the ratio as the median of
 * each pair's, the best turns' ratio, and the table it prints.
 */
import { describe, expect, it } from 'vitest';
import { formatThreads } from '../../../bench/lib/format-report';
import { summarizeThreads } from '../../../bench/lib/threads-result';

describe('the threads section', () => {
  const result = {
    cores: 2,
    rounds: 10,
    warmup_rounds: 4,
    cells: [
      { label: 'CNN 8-16, batch 64', one_thread_sps: [50_000, 60_000, 40_000], all_cores_sps: [75_000, 78_000, 80_000] },
      { label: 'MLP 50, batch 64', one_thread_sps: [], all_cores_sps: [] },
    ],
  };

  it('pairs each all-cores turn with the 1-thread turn before it', () => {
    const s = summarizeThreads(result);
    // Pairs: 1.5, 1.3, 2.0 → median 1.5; best 80k / 60k.
    expect(s.cells[0]).toEqual({
      label: 'CNN 8-16, batch 64',
      one_thread_sps: 50_000,
      all_cores_sps: 78_000,
      ratio: 1.5,
      best_ratio: 80_000 / 60_000,
      pairs: 3,
    });
    expect(s.cells[1]).toEqual({
      label: 'MLP 50, batch 64',
      one_thread_sps: null,
      all_cores_sps: null,
      ratio: null,
      best_ratio: null,
      pairs: 0,
    });
  });

  it('prints one row per cell, a dash where nothing was timed', () => {
    expect(formatThreads(summarizeThreads(result))).toEqual([
      'Kernel threads, 1 thread against every core in one process (the bare loop; turns epoch by epoch, 6 timed of 10 per cell; ratio: median of pairs)',
      '  cell                Runlab 1 thread  Runlab 2 cores  2 cores / 1 thread  best turns',
      '  CNN 8-16, batch 64  50,000/s         78,000/s        1.50×               1.33×',
      '  MLP 50, batch 64    —                —               —                   —',
    ]);
  });
});
