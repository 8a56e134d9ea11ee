/** What bench/first-row.ts reports, and its summary for the report: medians and best per way of starting. */
import { median } from './stats';

export const FIRST_ROW_VARIANTS = ['cold_tsx', 'cold', 'warm'] as const;
export type FirstRowVariant = (typeof FIRST_ROW_VARIANTS)[number];

export const FIRST_ROW_LABELS: Record<FirstRowVariant, string> = {
  cold_tsx: 'cold, trainer compiled from TypeScript at start (tsx; before the bundle)',
  cold: 'cold, bundled trainer (a process started at Start)',
  warm: 'warm (a spare trainer started and prepared beforehand)',
};

export interface FirstRowSample {
  /** Start → the first stored row (its run:metrics push), seconds. */
  first_row_s: number;
  /** Start → the run is running (the trainer's `started`). */
  running_s: number;
}

export interface FirstRowResult {
  repeats: number;
  samples: Record<FirstRowVariant, FirstRowSample[]>;
}

export interface FirstRowSummary {
  repeats: number;
  variants: Record<
    FirstRowVariant,
    { median_s: number | null; best_s: number | null; running_median_s: number | null; samples_s: number[] }
  >;
}

export function summarizeFirstRow(r: FirstRowResult): FirstRowSummary {
  const variants = Object.fromEntries(
    FIRST_ROW_VARIANTS.map((v) => {
      const xs = (r.samples[v] ?? []).map((s) => s.first_row_s);
      return [
        v,
        {
          median_s: median(xs),
          best_s: xs.length > 0 ? Math.min(...xs) : null,
          running_median_s: median((r.samples[v] ?? []).map((s) => s.running_s)),
          samples_s: xs,
        },
      ];
    }),
  ) as FirstRowSummary['variants'];
  return { repeats: r.repeats, variants };
}
