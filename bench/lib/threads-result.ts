/**
 * The threads section: Runlab's kernels on one thread against every core, taking turns
 * epoch by epoch in ONE process per cell (bench/threads-interleaved.ts). The grid compares
 * separate processes, and on this shared machine a process keeps the speed it starts with
 * (up to 1.6× apart for the same loop), which a ratio of two processes carries; turns back
 * to back in one process see the same machine, so their ratio is what the threads give.
 */
import { median } from './stats';

/** One cell as measured: the training rate of each timed turn, in turn order (1 thread first in every pair). */
export interface ThreadsCellResult {
  label: string;
  one_thread_sps: number[];
  all_cores_sps: number[];
}

export interface ThreadsResult {
  cores: number;
  /** Turns per cell (half of them on each side), the untimed first ones included. */
  rounds: number;
  warmup_rounds: number;
  cells: ThreadsCellResult[];
}

export interface ThreadsCellSummary {
  label: string;
  one_thread_sps: number | null;
  all_cores_sps: number | null;
  /** Median of each pair's all-cores / 1-thread ratio. */
  ratio: number | null;
  /** Fastest all-cores turn over fastest 1-thread turn. */
  best_ratio: number | null;
  pairs: number;
}

export interface ThreadsSummary {
  cores: number;
  rounds: number;
  warmup_rounds: number;
  cells: ThreadsCellSummary[];
}

export function summarizeThreads(r: ThreadsResult): ThreadsSummary {
  return {
    cores: r.cores,
    rounds: r.rounds,
    warmup_rounds: r.warmup_rounds,
    cells: r.cells.map((c) => {
      const n = Math.min(c.one_thread_sps.length, c.all_cores_sps.length);
      const pairs = Array.from({ length: n }, (_, i) => c.all_cores_sps[i]! / c.one_thread_sps[i]!);
      return {
        label: c.label,
        one_thread_sps: median(c.one_thread_sps),
        all_cores_sps: median(c.all_cores_sps),
        ratio: median(pairs),
        best_ratio: n > 0 ? Math.max(...c.all_cores_sps) / Math.max(...c.one_thread_sps) : null,
        pairs: n,
      };
    }),
  };
}
