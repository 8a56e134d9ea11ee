/** The History benchmark's summary: which actions fit in a frame, and the lines it prints. */
import { describe, expect, it } from 'vitest';
import { formatHistoryBench, summarizeActions, type HistoryBenchResult } from '../../../bench/lib/history-report';

describe('summarizeActions', () => {
  it('counts the actions whose next frame came on time and those the DOM did not show', () => {
    const samples = [
      { work: 4, script: 1, gap: 16.7, ok: true },
      { work: 9, script: 3, gap: 16.6, ok: true },
      { work: 30, script: 20, gap: 33.4, ok: true },
      { work: 5, script: 2, gap: 24.9, ok: false },
    ];
    expect(summarizeActions(samples, 16.7)).toEqual({
      count: 4,
      work_median_ms: 7,
      work_p95_ms: 9,
      work_max_ms: 30,
      script_median_ms: 2.5,
      within_one_frame: 3,
      not_shown: 1,
    });
  });
});

describe('formatHistoryBench', () => {
  it('prints one line per action, flagging what was not shown', () => {
    const a = {
      count: 10,
      work_median_ms: 8.6,
      work_p95_ms: 11.4,
      work_max_ms: 14.1,
      script_median_ms: 3.2,
      within_one_frame: 10,
      not_shown: 0,
    };
    const r: HistoryBenchResult = {
      runs: 1000,
      viewport: '1280×800',
      first_list_ms: 1462,
      rows_in_dom: 27,
      idle_frame_ms: 16.7,
      actions: { 'scroll-jump': a, 'scroll-step': a, sort: a, filter: { ...a, not_shown: 2 } },
      load_average: '1.00 0.80 0.50',
    };
    const lines = formatHistoryBench(r);
    expect(lines[0]).toBe(
      'History at scale (1000 runs in Chromium at 1280×800; load 1.00 0.80 0.50): list shown 1462 ms after opening, 27 rows in the DOM, idle frame 16.7 ms',
    );
    expect(lines).toHaveLength(5);
    expect(lines[3]).toContain('sort by a column (header click)');
    expect(lines[3]).toContain('within one frame: 10 of 10');
    expect(lines[4]).toContain('NOT SHOWN after 2');
  });
});
