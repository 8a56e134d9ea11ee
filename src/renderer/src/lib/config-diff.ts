/**
 * The Compare view's hyperparameter table: one row per config field (form order) plus
 * the backend and device that actually trained the run, one value per run, and whether
 * the values differ. A value a live edit changed reads "0.1 → 0.05 (changed during the
 * run)", and its row differs: the runs did not train with one value throughout.
 */
import { FIELDS, type FieldSpec } from '../../../shared/hyperparams';
import type { RunRecord } from '../../../shared/records';
import { formatLr, formatNumber } from './format';
import { changedDuringRun } from './run-control';

export interface ConfigRow {
  key: string;
  label: string;
  values: string[];
  differs: boolean;
  /** Per run, whether a live edit changed this field during it. */
  changed: boolean[];
}

/** A config value as the table shows it: lists comma-separated, learning rates compact. */
export function formatConfigValue(spec: FieldSpec & { key: string }, value: unknown): string {
  if (value === undefined || value === null) return '—';
  if (Array.isArray(value)) return value.join(', ');
  if (typeof value === 'number') return spec.key === 'lr' ? formatLr(value) : formatNumber(value, 6);
  if (typeof value === 'string') return value === '' ? '—' : value;
  return JSON.stringify(value);
}

/** Compares canonical JSON, so [100, 50] equals [100, 50] and 0.1 equals 0.1. */
export function diffConfigs(runs: readonly RunRecord[]): ConfigRow[] {
  const edits = runs.map((r) => changedDuringRun(r) as Record<string, unknown[] | undefined>);
  const rows: ConfigRow[] = FIELDS.map((spec) => {
    const raw = runs.map((r) => (r.config as Record<string, unknown>)[spec.key]);
    const changes = edits.map((e) => e[spec.key]);
    const changed = changes.map((c) => c !== undefined);
    return {
      key: spec.key,
      label: spec.label,
      values: raw.map((v, i) => {
        const c = changes[i];
        return c ? `${c.map((x) => formatConfigValue(spec, x)).join(' → ')} (changed during the run)` : formatConfigValue(spec, v);
      }),
      differs: changed.some(Boolean) || new Set(raw.map((v) => JSON.stringify(v ?? null))).size > 1,
      changed,
    };
  });
  for (const [key, label, pick] of [
    ['backendUsed', 'Backend used', (r: RunRecord) => r.backend],
    ['device', 'Device', (r: RunRecord) => r.device],
  ] as const) {
    const values = runs.map((r) => pick(r) ?? '—');
    rows.push({ key, label, values, differs: new Set(values).size > 1, changed: runs.map(() => false) });
  }
  return rows;
}
