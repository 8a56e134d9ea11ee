/**
 * exportFilename: a file name from the run's name ("mlp-50 sgd lr0.5 3ep #2" →
 * "mlp-50-sgd-lr0.5-3ep-2-epochs.csv"), safe on every file system; the id when the name
 * has no usable characters.
 */
import type { RunRecord } from '../../../shared/records';

export function exportFilename(run: Pick<RunRecord, 'id' | 'name'>, suffix: string): string {
  const slug = run.name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-{2,}/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '')
    .slice(0, 80)
    .replace(/[-.]+$/, '');
  return `${slug || run.id}${suffix}`;
}
