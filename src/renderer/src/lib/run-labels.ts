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
