/**
 * What a run has achieved so far, for every table that shows it: its summary once it has
 * one, and before that (a run still training, or one whose app died) the last finished
 * epoch the supervisor keeps in its progress.
 */
import type { MetricsSnapshot, RunRecord } from '../../../shared/records';

export interface RunResults {
  /** Epochs and training iterations finished. */
  epochs: number | null;
  iterations: number | null;
  best_valid_accuracy: number | null;
  /** The last finished epoch's metrics; null before the first one ends. */
  final: MetricsSnapshot | null;
}

export function runResults(run: Pick<RunRecord, 'summary' | 'progress'>): RunResults {
  const { summary: s, progress: p } = run;
  if (s) return { epochs: s.epochs, iterations: s.iterations, best_valid_accuracy: s.best_valid_accuracy, final: s.final };
  if (!p) return { epochs: null, iterations: null, best_valid_accuracy: null, final: null };
  return { epochs: Math.floor(p.epoch), iterations: p.iter, best_valid_accuracy: p.best_valid_accuracy ?? null, final: p.latest ?? null };
}
