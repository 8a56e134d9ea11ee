/** Short labels for a run's config in tables and headers: "mlp 100-50", "cnn +bn +dropout 0.2". */
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../../shared/hyperparams';
import type { RunRecord } from '../../../shared/records';
import { elapsedMs } from './format';

export function modelLabel(
  config: Pick<Hyperparams, 'model' | 'hidden'> & Partial<Pick<Hyperparams, 'batchNorm' | 'dropout' | 'filters'>>,
): string {
  const filters =
    config.filters && config.filters.join('-') !== DEFAULT_HYPERPARAMS.filters.join('-') ? ` ${config.filters.join('-')}` : '';
  const parts = [config.model === 'mlp' ? `mlp ${config.hidden.join('-')}` : `${config.model}${filters}`];
  if (config.batchNorm === 'on') parts.push('+bn');
  if ((config.dropout ?? 0) > 0) parts.push(`+dropout ${config.dropout}`);
  return parts.join(' ');
}

/** A run's display name, never blank. */
export function runName(run: Pick<RunRecord, 'name' | 'id'>): string {
  return run.name.trim() === '' ? run.id : run.name;
}

export function isActive(run: Pick<RunRecord, 'status'>): boolean {
  return run.status === 'running' || run.status === 'queued';
}

/** Wall-clock duration: started → ended, or → now while the run goes on. */
export function runDurationMs(run: Pick<RunRecord, 'started' | 'ended'>, now: number): number | null {
  return elapsedMs(run.started, run.ended, now);
}

/** What a finished run's badge alone does not say: it blew up, or it never learned. */
export interface RunFlag {
  kind: 'diverged' | 'not-learning';
  label: string;
  /** The reason in full, for a tooltip. */
  detail: string;
}

export function runFlag(run: Pick<RunRecord, 'status' | 'summary' | 'error'>): RunFlag | null {
  const stoppedBy = run.summary?.stopped_by;
  if (run.status === 'failed' && (stoppedBy === 'diverged' || stoppedBy === 'nan')) {
    return { kind: 'diverged', label: 'diverged', detail: run.error ?? 'The loss diverged' };
  }
  const warning = run.summary?.warning;
  if (warning) return { kind: 'not-learning', label: 'no learning', detail: warning };
  return null;
}

/**
 * A seed group's name: its runs' shared name without the "seed=N" a sweep puts in it
 * ("lr=0.1 seed=1", "lr=0.1 seed=2" → "lr=0.1"); else the first run's name and how many more.
 */
export function seedGroupLabel(runs: readonly Pick<RunRecord, 'name' | 'id'>[]): string {
  const stripped = runs.map((r) =>
    runName(r)
      .replace(/\s*\bseed=\S+/g, '')
      .trim(),
  );
  const first = stripped[0] ?? '';
  if (first !== '' && stripped.every((s) => s === first)) return first;
  return `${runName(runs[0] ?? { name: '', id: '' })} + ${runs.length - 1} more`;
}
