/**
 * What the Plots panel can put on an axis: the hyperparameters (config fields, but not free
 * text like the data path) and the result metrics, and each run's value of every one of
 * them. A value a run does not have (a metric before its first epoch ends) is null, never
 * NaN or undefined.
 */
import { fieldUnusedBy } from '../../../shared/field-use';
import { FIELDS } from '../../../shared/hyperparams';
import type { RunRecord } from '../../../shared/records';
import { runResults } from './run-results';

export type PlotValue = number | string | null;
export type PlotFormat = 'lr' | 'percent' | 'number' | 'text';

export interface PlotField {
  key: string;
  label: string;
  group: 'hyper' | 'metric';
  categorical: boolean;
  format: PlotFormat;
  /** A choice field's options, in form order: the order of a categorical axis. */
  options?: readonly string[];
}

/** One run as the plots see it. */
export interface PlotRun {
  id: string;
  label: string;
  color: string;
  values: Readonly<Record<string, PlotValue>>;
}

export const METRIC_FIELDS: readonly PlotField[] = [
  { key: 'best_valid_accuracy', label: 'Best val acc', group: 'metric', categorical: false, format: 'percent' },
  { key: 'final_valid_accuracy', label: 'Final val acc', group: 'metric', categorical: false, format: 'percent' },
  { key: 'final_valid_loss', label: 'Valid loss', group: 'metric', categorical: false, format: 'number' },
  { key: 'final_train_loss', label: 'Train loss', group: 'metric', categorical: false, format: 'number' },
];

/** The metric axes shown before a person picks others. */
export const DEFAULT_METRIC_KEYS: readonly string[] = ['best_valid_accuracy', 'final_valid_loss'];

export const HYPER_FIELDS: readonly PlotField[] = FIELDS.filter((f) => f.kind !== 'text').map((f): PlotField => {
  const categorical = f.kind === 'choice' || f.kind === 'int-list';
  return {
    key: f.key,
    label: f.label,
    group: 'hyper',
    categorical,
    format: f.key === 'lr' ? 'lr' : categorical ? 'text' : 'number',
    ...(f.kind === 'choice' ? { options: f.options } : {}),
  };
});

export const PLOT_FIELDS: readonly PlotField[] = [...HYPER_FIELDS, ...METRIC_FIELDS];
const byKey = new Map(PLOT_FIELDS.map((f) => [f.key, f]));

export function plotField(key: string): PlotField | undefined {
  return byKey.get(key);
}

const finite = (v: number | null | undefined): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

/**
 * A run's value of every plot field: lists read "100, 50"; a missing or non-finite number is
 * null, and so is a field the run does not use (momentum on sgd, conv filters on an MLP).
 */
export function plotValues(run: Pick<RunRecord, 'config' | 'summary' | 'progress'>): Record<string, PlotValue> {
  const config = run.config as unknown as Record<string, unknown>;
  const out: Record<string, PlotValue> = {};
  for (const f of HYPER_FIELDS) {
    const v = fieldUnusedBy(f.key, config) === null ? config[f.key] : null;
    if (Array.isArray(v)) out[f.key] = v.join(', ');
    else if (typeof v === 'number') out[f.key] = finite(v);
    else if (typeof v === 'string') out[f.key] = v;
    else out[f.key] = null;
  }
  const r = runResults(run);
  out['best_valid_accuracy'] = finite(r.best_valid_accuracy);
  out['final_valid_accuracy'] = finite(r.final?.valid_accuracy);
  out['final_valid_loss'] = finite(r.final?.valid_loss);
  out['final_train_loss'] = finite(r.final?.train_loss);
  return out;
}

/**
 * plotValues, made once per record: History draws 1,000 runs and re-derives on every clock
 * tick; a changed run is a new record object, so a stale entry is never read.
 */
const cache = new WeakMap<object, Record<string, PlotValue>>();
export function plotValuesOf(run: Pick<RunRecord, 'config' | 'summary' | 'progress'>): Record<string, PlotValue> {
  let values = cache.get(run);
  if (!values) cache.set(run, (values = plotValues(run)));
  return values;
}

/**
 * Hyperparameters left off the default axes though they differ: a sweep's seeds differ in
 * every run and say nothing about which settings work (the Axes chooser still offers them).
 */
export const NOT_DEFAULT_AXES: readonly string[] = ['seed'];

/**
 * The hyperparameters whose values are not all the same among the runs that have one, in form
 * order: momentum stored on sgd runs does not make an axis beside the momentum runs' 0.9.
 */
export function differingHyperFields(runs: readonly Pick<PlotRun, 'values'>[]): PlotField[] {
  return HYPER_FIELDS.filter((f) => new Set(runs.map((r) => r.values[f.key] ?? null).filter((v) => v !== null)).size > 1);
}
