/**
 * Metrics at scale, on the wire: a run of millions of rows is read as pages of rows
 * (getMetricsPage) or as a chart-resolution view (getMetricsView) — per bucket of the x axis,
 * the min, max and mean of every series, so a spike survives any zoom level. getMetrics still
 * sends every row, for runs up to METRICS_MAX_ROWS.
 */
import { z } from 'zod';
import type { EpochRow, IterRow, MetricRow } from './records';
import { RunIdSchema } from './records';

/** getMetrics sends every row of a run up to this many; bigger runs are read in pages or views. */
export const METRICS_MAX_ROWS = 50_000;
/** …and at most this many rows in one reply, over all the runs it names. */
export const METRICS_MAX_REPLY_ROWS = 200_000;
/** exportRun builds the file in the host: at most this many rows (the CLI streams bigger CSV exports). */
export const EXPORT_MAX_ROWS = 200_000;
/** Rows per getMetricsPage. */
export const METRICS_PAGE_MAX = 10_000;
/** Buckets per getMetricsView (a chart 10,000 pixels wide). */
export const METRICS_VIEW_MAX_BUCKETS = 10_000;
/** A view lists its epoch rows as stored while there are at most this many in its range. */
export const VIEW_EPOCH_ROWS_MAX = 1000;

/** The x axes a view buckets by: iteration, epoch, or wall time in seconds since the fit began. */
export const METRIC_X_AXES = ['iter', 'epoch', 'time'] as const;
export type MetricX = (typeof METRIC_X_AXES)[number];
export const ITER_SERIES = ['loss', 'lr'] as const;
export const EPOCH_SERIES = ['train_loss', 'train_accuracy', 'valid_loss', 'valid_accuracy'] as const;
export type IterSeries = (typeof ITER_SERIES)[number];
export type EpochSeries = (typeof EPOCH_SERIES)[number];

const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });

export const MetricsViewRequestSchema = z
  .object({
    ids: z.array(RunIdSchema).min(1).max(50),
    /** Default 'iter'. */
    x: z.enum(METRIC_X_AXES).optional(),
    /** The x range to bucket (inclusive); default: the run's whole extent. */
    from: finite.optional(),
    to: finite.optional(),
    buckets: z.number().int().min(1).max(METRICS_VIEW_MAX_BUCKETS),
  })
  .strict()
  .refine((r) => r.from === undefined || r.to === undefined || r.from <= r.to, { error: 'from must not be above to', path: ['from'] });

export const MetricsPageRequestSchema = z
  .object({
    id: RunIdSchema,
    /** Rows to skip (of `kind` if given): 0 starts at the first row. */
    offset: z.number().int().min(0),
    limit: z.number().int().min(1).max(METRICS_PAGE_MAX),
    /** Only iteration rows or only epoch rows; default both, in file order. */
    kind: z.enum(['iter', 'epoch']).optional(),
  })
  .strict();

/** One series over the non-empty buckets: null where every value in the bucket diverged (NaN). */
export interface SeriesBuckets {
  min: (number | null)[];
  max: (number | null)[];
  mean: (number | null)[];
}

/** Rows of one kind, bucketed. Arrays run over the non-empty buckets, in x order. */
export interface BucketedRows<K extends string> {
  /** Rows of this kind inside the range. */
  rows: number;
  /** The x of each bucket's first and last row, and how many rows it holds. */
  x0: number[];
  x1: number[];
  count: number[];
  /**
   * Where each bucket's first and last row (in the order stored) sit on every axis, time in
   * seconds: a chart can switch axis, or draw rows at their place, without asking again.
   */
  first: AxisPositions;
  last: AxisPositions;
  series: Record<K, SeriesBuckets>;
}

export interface AxisPositions {
  iter: number[];
  epoch: number[];
  time: number[];
}

export interface MetricsView {
  id: string;
  x: MetricX;
  /** The range bucketed: the request's, or the run's whole extent on this axis (null: no rows). */
  from: number | null;
  to: number | null;
  /** Buckets asked for; each kind has at most this many non-empty ones. */
  buckets: number;
  /** Every valid row of the run, in range or not. */
  rows: number;
  iter: BucketedRows<IterSeries>;
  epoch: BucketedRows<EpochSeries>;
  /** The epoch rows in range as stored, while there are at most VIEW_EPOCH_ROWS_MAX (else null). */
  epochRows: EpochRow[] | null;
  /** The run's last iteration and epoch rows, as stored (for tiles and ETAs). */
  last: { iter: IterRow | null; epoch: EpochRow | null };
  /** Lines of metrics.jsonl that are not metric rows, read around; what the first one was. */
  skippedLines: number;
  damage: string | null;
}

export interface MetricsPage {
  id: string;
  offset: number;
  rows: MetricRow[];
  /** Rows of the requested kind in the run. */
  total: number;
  /** The offset of the next page; null after the last. */
  next: number | null;
  skippedLines: number;
  damage: string | null;
}
