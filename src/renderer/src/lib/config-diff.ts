/**
 * The Compare view's hyperparameter table: one row per config field (form order) plus
 * the backend and device that actually trained the run, one value per run, and whether
 * the values differ.
 */
import { FIELDS, type FieldSpec } from '../../../shared/hyperparams';
import type { RunRecord } from '../../../shared/records';
import { formatLr, formatNumber } from './format';

export interface ConfigRow {
  key: string;
  label: string;
  values: string[];
  differs: boolean;
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
  const rows: ConfigRow[] = FIELDS.map((spec) => {
    const raw = runs.map((r) => (r.config as Record<string, unknown>)[spec.key]);
    return {
      key: spec.key,
      label: spec.label,
      values: raw.map((v) => formatConfigValue(spec, v)),
      differs: new Set(raw.map((v) => JSON.stringify(v ?? null))).size > 1,
    };
  });
  for (const [key, label, pick] of [
    ['backendUsed', 'Backend used', (r: RunRecord) => r.backend],
    ['device', 'Device', (r: RunRecord) => r.device],
  ] as const) {
    const values = runs.map((r) => pick(r) ?? '—');
    rows.push({ key, label, values, differs: new Set(values).size > 1 });
  }
  return rows;
}
