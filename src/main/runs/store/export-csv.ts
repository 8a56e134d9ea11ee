/**
 * metricsToCsv: a run's metrics as one of two tidy tables — one row per training
 * iteration, or one per epoch — with the unit in each header that has one (seconds), whole
 * numbers where they are counts, and no float noise (0.30000000000000004 → 0.3).
 */
import Papa from 'papaparse';
import type { EpochRow, IterRow, MetricRow } from '../../../shared/records';

export type MetricsTable = 'iterations' | 'epochs';

export const ITERATION_COLUMNS = ['iteration', 'epoch', 'loss', 'lr', 'elapsed_s'] as const;
export const EPOCH_COLUMNS = [
  'epoch',
  'iteration',
  'train_loss',
  'train_accuracy',
  'valid_loss',
  'valid_accuracy',
  'epoch_time_s',
  'elapsed_s',
] as const;

/** null: no value (a diverged loss, an epoch without validation): an empty CSV cell, JSON null. */
type Cell = number | null;

/** Float32 values carry ~7 significant digits; 9 keeps every one without the binary tail. */
function value(v: number | null): Cell {
  return v === null || !Number.isFinite(v) ? null : Number(v.toPrecision(9));
}

/** Times to the millisecond, in seconds. */
function seconds(s: number): Cell {
  return Number.isFinite(s) ? Math.round(s * 1000) / 1000 : null;
}

/** One row per iteration: `epoch` is the fraction of epochs done (TrainEvalCallback's count). */
export function iterationRecord(row: IterRow): Record<(typeof ITERATION_COLUMNS)[number], Cell> {
  return {
    iteration: row.iter,
    epoch: Number(row.epoch.toPrecision(12)),
    loss: value(row.loss),
    lr: value(row.lr),
    elapsed_s: seconds(row.t / 1000),
  };
}

export function epochRecord(row: EpochRow): Record<(typeof EPOCH_COLUMNS)[number], Cell> {
  return {
    epoch: row.epoch,
    iteration: row.iter,
    train_loss: value(row.train_loss),
    train_accuracy: value(row.train_accuracy),
    valid_loss: value(row.valid_loss),
    valid_accuracy: value(row.valid_accuracy),
    epoch_time_s: seconds(row.seconds),
    elapsed_s: seconds(row.t / 1000),
  };
}

export function metricsToCsv(rows: readonly MetricRow[], table: MetricsTable = 'epochs'): string {
  const data =
    table === 'iterations'
      ? rows.filter((r): r is IterRow => r.kind === 'iter').map((r) => Object.values(iterationRecord(r)))
      : rows.filter((r): r is EpochRow => r.kind === 'epoch').map((r) => Object.values(epochRecord(r)));
  const fields = table === 'iterations' ? [...ITERATION_COLUMNS] : [...EPOCH_COLUMNS];
  const csv = Papa.unparse({ fields, data }, { newline: '\n' });
  // unparse ends a header-only table with a newline but not one with rows: always end with one.
  return csv.endsWith('\n') ? csv : `${csv}\n`;
}
