/**
 * What the Live progress line says for a run: epoch x/y, iteration i/n, elapsed, ETA and
 * throughput, from the run record's progress and the newest metric row (whichever is
 * further along: pushes of the two are not synchronised).
 */
import type { IterRow, RunRecord } from '../../../shared/records';
import { elapsedMs, estimateRemainingMs } from './format';

export interface LiveProgress {
  iter: number;
  totalIters: number;
  /** 1-based epoch being trained (or the last one, once finished). */
  epoch: number;
  epochs: number;
  fraction: number;
  elapsedMs: number | null;
  etaMs: number | null;
  samplesPerSecond: number | null;
}

export function liveProgress(run: RunRecord, lastIter: IterRow | null, now: number): LiveProgress {
  const p = run.progress;
  const iter = Math.max(p?.iter ?? 0, lastIter?.iter ?? 0);
  const totalIters = Math.max(p?.total_iters ?? 0, iter);
  const epochs = p?.epochs && p.epochs > 0 ? p.epochs : run.config.epochs;
  const epochsDone = Math.max(p?.epoch ?? 0, lastIter?.epoch ?? 0);
  const finished = run.status !== 'running' && run.status !== 'queued';
  // 1.5 epochs done: training epoch 2; exactly 2.0: epoch 2 is being validated.
  const epoch = finished ? Math.max(run.summary?.epochs ?? Math.ceil(epochsDone), 0) : Math.min(Math.max(1, Math.ceil(epochsDone)), epochs);
  const fraction = run.status === 'completed' ? 1 : totalIters > 0 ? Math.min(1, iter / totalIters) : 0;
  // Fit time from the rows (excludes data loading); the wall clock says how long it has run.
  const fitMs = lastIter?.t ?? null;
  const etaMs = run.status === 'running' && fitMs !== null && lastIter ? estimateRemainingMs(fitMs, lastIter.iter, totalIters) : null;
  const samplesPerSecond =
    run.summary?.samples_per_second ?? (fitMs && fitMs > 0 && lastIter ? (lastIter.iter * run.config.batchSize) / (fitMs / 1000) : null);
  return {
    iter,
    totalIters,
    epoch,
    epochs,
    fraction,
    elapsedMs: elapsedMs(run.started, run.ended, now),
    etaMs,
    samplesPerSecond,
  };
}
