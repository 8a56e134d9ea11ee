/**
 * Chart series built from a run's metric rows. A RunSeries holds plain arrays (outside
 * Svelte reactivity, so 50,000-point series cost nothing to track); `appendRows` extends
 * them in place and skips rows already seen, so a getMetrics snapshot and the push
 * events that overlap it can both be fed in without duplicates.
 */
import type { EpochRow, IterRow, MetricRow } from '../../../shared/records';

/** One chart point; y is null where a loss diverged (NaN/Infinity travels as null). */
export interface Point {
  x: number;
  y: number | null;
}

export interface RunSeries {
  iters: IterRow[];
  epochs: EpochRow[];
  /** x = iteration. */
  trainLoss: Point[];
  /** x = iteration. */
  lr: Point[];
  /** Valid loss at each epoch's last iteration (x = iteration). */
  validLoss: Point[];
  /** x = epoch number. */
  trainAccuracy: Point[];
  /** x = epoch number. */
  validAccuracy: Point[];
}

export function emptySeries(): RunSeries {
  return { iters: [], epochs: [], trainLoss: [], lr: [], validLoss: [], trainAccuracy: [], validAccuracy: [] };
}

/** Appends rows newer than those already held; returns how many were appended. */
export function appendRows(series: RunSeries, rows: readonly MetricRow[]): number {
  let added = 0;
  for (const row of rows) {
    if (row.kind === 'iter') {
      const last = series.iters[series.iters.length - 1];
      if (last && row.iter <= last.iter) continue;
      series.iters.push(row);
      series.trainLoss.push({ x: row.iter, y: row.loss });
      series.lr.push({ x: row.iter, y: row.lr });
    } else {
      const last = series.epochs[series.epochs.length - 1];
      if (last && row.epoch <= last.epoch) continue;
      series.epochs.push(row);
      series.validLoss.push({ x: row.iter, y: row.valid_loss });
      series.trainAccuracy.push({ x: row.epoch, y: row.train_accuracy });
      series.validAccuracy.push({ x: row.epoch, y: row.valid_accuracy });
    }
    added += 1;
  }
  return added;
}

export function buildSeries(rows: readonly MetricRow[]): RunSeries {
  const series = emptySeries();
  appendRows(series, rows);
  return series;
}

export const X_AXES = ['iter', 'epoch', 'time'] as const;
export type XAxis = (typeof X_AXES)[number];
export const X_AXIS_LABELS: Record<XAxis, string> = { iter: 'Iteration', epoch: 'Epoch', time: 'Wall time (s)' };

export const COMPARE_METRICS = ['train_loss', 'valid_loss', 'valid_accuracy'] as const;
export type CompareMetric = (typeof COMPARE_METRICS)[number];
export const COMPARE_METRIC_LABELS: Record<CompareMetric, string> = {
  train_loss: 'Train loss',
  valid_loss: 'Valid loss',
  valid_accuracy: 'Valid accuracy',
};

/** Whether a metric has one value per iteration (many points) or per epoch (few). */
export function isPerEpoch(metric: CompareMetric): boolean {
  return metric !== 'train_loss';
}

function xOf(row: IterRow | EpochRow, axis: XAxis): number {
  if (axis === 'iter') return row.iter;
  if (axis === 'epoch') return row.epoch;
  return row.t / 1000;
}

/** The points of one metric against the chosen x axis (time in seconds since fit began). */
export function metricPoints(series: RunSeries, metric: CompareMetric, axis: XAxis): Point[] {
  if (metric === 'train_loss') return series.iters.map((r) => ({ x: xOf(r, axis), y: r.loss }));
  return series.epochs.map((r) => ({ x: xOf(r, axis), y: r[metric] }));
}

/** The latest value of each kind of row, for the stat tiles. */
export function latest(series: RunSeries): { iter: IterRow | null; epoch: EpochRow | null } {
  return {
    iter: series.iters[series.iters.length - 1] ?? null,
    epoch: series.epochs[series.epochs.length - 1] ?? null,
  };
}
