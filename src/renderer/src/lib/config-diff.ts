/**
 * The Compare view's hyperparameter table: one row per config field (form order) plus
 * the backend and device that actually trained the run, one value per run, and whether
 * the values differ. A value a live edit changed reads "0.1 → 0.05 (changed during the
 * run)", and its row differs: the runs did not train with one value throughout. A field the
 * run does not use (momentum on plain SGD, conv filters on an MLP: shared/field-use.ts) reads
 * "— (not used by sgd)", its stored value kept for the tooltip; two such values never differ.
 */
import { fieldUnusedBy } from '../../../shared/field-use';
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
  /** Per run, the stored value where the run does not use this field (its cell reads "not used"), else null. */
  unused: (string | null)[];
  /** Per run, the config value that leaves this field unused ("sgd", "mlp"), else null. */
  unusedBy: (string | null)[];
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
    const unusedBy = runs.map((r) => fieldUnusedBy(spec.key, r.config));
    const changed = changes.map((c, i) => c !== undefined && unusedBy[i] === null);
    const stored = raw.map((v, i) => {
      const c = changes[i];
      return c ? `${c.map((x) => formatConfigValue(spec, x)).join(' → ')} (changed during the run)` : formatConfigValue(spec, v);
    });
    // What the run trained with: a field it does not use compares as "unused", whatever is stored.
    const effective = raw.map((v, i) => (unusedBy[i] === null ? JSON.stringify(v ?? null) : '(unused)'));
    return {
      key: spec.key,
      label: spec.label,
      values: stored.map((text, i) => (unusedBy[i] === null ? text : `— (not used by ${unusedBy[i]})`)),
      differs: changed.some(Boolean) || new Set(effective).size > 1,
      changed,
      unused: stored.map((text, i) => (unusedBy[i] === null ? null : text)),
      unusedBy,
    };
  });
  for (const [key, label, pick] of [
    ['backendUsed', 'Backend used', (r: RunRecord) => r.backend],
    ['device', 'Device', (r: RunRecord) => r.device],
  ] as const) {
    const values = runs.map((r) => pick(r) ?? '—');
    rows.push({
      key,
      label,
      values,
      differs: new Set(values).size > 1,
      changed: runs.map(() => false),
      unused: runs.map(() => null),
      unusedBy: runs.map(() => null),
    });
  }
  return rows;
}
