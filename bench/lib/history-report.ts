/** The History-at-scale benchmark's result (bench/history-ui.ts): its summary and its lines in the report. */
import { median } from './stats';

/** One action as the page measured it (bench/history-ui.page.js). */
export interface ActionSample {
  /** Script, Svelte's update, style and layout until the DOM shows the result, ms. */
  work: number;
  /** The script part of `work` (event handler, Svelte's update of the DOM), ms. */
  script: number;
  /** From the frame the action was taken in to the next frame, ms. */
  gap: number;
  /** The DOM showed the result (rows covering the viewport after a scroll, a sort applied). */
  ok: boolean;
}

export const HISTORY_ACTIONS = ['scroll-jump', 'scroll-step', 'sort', 'filter'] as const;
export type HistoryAction = (typeof HISTORY_ACTIONS)[number];

export interface ActionSummary {
  count: number;
  work_median_ms: number;
  work_p95_ms: number;
  work_max_ms: number;
  script_median_ms: number;
  /** Actions whose next frame came on time (gap ≤ 1.5 × the idle frame interval). */
  within_one_frame: number;
  /** Actions after which the DOM did not show the result. */
  not_shown: number;
}

export interface HistoryBenchResult {
  runs: number;
  viewport: string;
  /** page.goto until "N of N runs" is shown, ms. */
  first_list_ms: number;
  /** Rows in the DOM with the list at the top (virtualized: a window, not all runs). */
  rows_in_dom: number;
  idle_frame_ms: number;
  actions: Record<HistoryAction, ActionSummary>;
  load_average: string;
}

function quantile(values: readonly number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * (s.length - 1)))] ?? NaN;
}

const round = (x: number) => Math.round(x * 100) / 100;

export function summarizeActions(samples: readonly ActionSample[], idleFrameMs: number): ActionSummary {
  const work = samples.map((s) => s.work);
  return {
    count: samples.length,
    work_median_ms: round(median(work) ?? NaN),
    work_p95_ms: round(quantile(work, 0.95)),
    work_max_ms: round(Math.max(...work)),
    script_median_ms: round(median(samples.map((s) => s.script)) ?? NaN),
    within_one_frame: samples.filter((s) => s.gap <= 1.5 * idleFrameMs).length,
    not_shown: samples.filter((s) => !s.ok).length,
  };
}

const LABELS: Record<HistoryAction, string> = {
  'scroll-jump': 'scroll to a far row (scrollbar drag)',
  'scroll-step': 'scroll three rows (wheel notch)',
  sort: 'sort by a column (header click)',
  filter: 'type into the filter',
};

export function formatHistoryBench(r: HistoryBenchResult): string[] {
  const lines = [
    `History at scale (${r.runs} runs in Chromium at ${r.viewport}; load ${r.load_average}): list shown ${Math.round(r.first_list_ms)} ms after opening, ${r.rows_in_dom} rows in the DOM, idle frame ${r.idle_frame_ms.toFixed(1)} ms`,
  ];
  for (const key of HISTORY_ACTIONS) {
    const a = r.actions[key];
    lines.push(
      `  ${LABELS[key].padEnd(38)} work median ${a.work_median_ms.toFixed(1).padStart(5)} ms · p95 ${a.work_p95_ms.toFixed(1).padStart(5)} ms · max ${a.work_max_ms.toFixed(1).padStart(5)} ms (script ${a.script_median_ms.toFixed(1)} ms)   within one frame: ${a.within_one_frame} of ${a.count}${a.not_shown > 0 ? `   NOT SHOWN after ${a.not_shown}` : ''}`,
    );
  }
  return lines;
}
