/**
 * The Compare chart's series: for each shown run, the chosen metric against the chosen x
 * axis, smoothed with the debiased EMA, the raw line kept as a faint twin underneath —
 * both downsampled with the min/max envelope over the window in view (envelope.ts), so
 * zooming in shows full detail and no spike is lost at any zoom.
 *
 * Columns and smoothed values are cached per run by (metric, axis, number of rows, weight):
 * moving the slider re-smooths, zooming re-buckets, a push re-reads only the run that grew.
 * The canvas strokes about one point per two pixels instead of hundreds of thousands
 * (rasterising them is the real cost of a redraw without a GPU). Hidden runs are left out,
 * raw and smoothed together, so the axes rescale to what is shown.
 *
 * A fork is drawn as a branch of its parent's curve when the parent is compared too: its
 * line starts at the parent's point at the fork (its epoch rows already start with the
 * parent's row there; its iteration rows get the parent's last one before them).
 */
import type { EpochRow, IterRow } from '../../../shared/records';
import type { ChartSeries } from './chart-series';
import { envelope, padExtent, yExtent } from './envelope';
import { isPerEpoch, type CompareMetric, type RunSeries, type XAxis } from './series';
import { emaSmoothArray } from './smoothing';

export interface CompareInput {
  id: string;
  label: string;
  color: string;
  series: RunSeries;
  /** For a fork whose parent is compared too: the parent's series and the fork point's iteration. */
  branchFrom?: { series: RunSeries; iter: number };
}

/** Enough for a 2000-pixel-wide chart at a point per two pixels. */
export const MAX_POINTS = 1000;

/**
 * Points per series for a chart `width` pixels wide: one per two pixels, within bounds.
 * Measured without a GPU, each 1,000-point line costs ~5 ms to rasterise per redraw.
 */
export function pointsForWidth(width: number): number {
  return Math.max(200, Math.min(MAX_POINTS, Math.round(width / 2)));
}

export interface Columns {
  xs: Float64Array;
  ys: Float64Array;
}

interface Entry {
  /** The row counts it was built from (the run's, and whether the parent's joint was there). */
  stamp: string;
  columns: Columns;
  smoothed: { weight: number; ys: Float64Array } | null;
}

const cache = new WeakMap<RunSeries, Map<string, Entry>>();

/** The metric's values as columns (NaN for a diverged value), time in seconds. */
export function metricColumns(series: RunSeries, metric: CompareMetric, axis: XAxis, branchFrom?: CompareInput['branchFrom']): Columns {
  let rows: (IterRow | EpochRow)[] = metric === 'train_loss' ? series.iters : series.epochs;
  if (metric === 'train_loss' && branchFrom) {
    const joint = branchFrom.series.iters.findLast((r) => r.iter <= branchFrom.iter);
    if (joint && (rows.length === 0 || rows[0]!.iter > joint.iter)) rows = [joint, ...rows];
  }
  const xs = new Float64Array(rows.length);
  const ys = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    xs[i] = axis === 'iter' ? row.iter : axis === 'epoch' ? row.epoch : row.t / 1000;
    const y = row.kind === 'iter' ? row.loss : row[metric as 'valid_loss' | 'valid_accuracy'];
    ys[i] = y === null ? NaN : y;
  }
  return { xs, ys };
}

type SeriesOf = Pick<CompareInput, 'series' | 'branchFrom'>;

export function columnsFor(run: SeriesOf, metric: CompareMetric, axis: XAxis): Columns {
  return entryFor(run, metric, axis).columns;
}

function entryFor(run: SeriesOf, metric: CompareMetric, axis: XAxis): Entry {
  const { series, branchFrom } = run;
  let byKey = cache.get(series);
  if (!byKey) cache.set(series, (byKey = new Map()));
  const key = `${metric}|${axis}|${branchFrom?.iter ?? ''}`;
  // A parent still loading has no joint yet: built again once it has.
  const joint = metric === 'train_loss' && branchFrom !== undefined && branchFrom.series.iters.length > 0;
  const stamp = `${metric === 'train_loss' ? series.iters.length : series.epochs.length}|${joint}`;
  let entry = byKey.get(key);
  if (!entry || entry.stamp !== stamp) {
    entry = { stamp, columns: metricColumns(series, metric, axis, branchFrom), smoothed: null };
    byKey.set(key, entry);
  }
  return entry;
}

export function smoothedColumn(run: SeriesOf, metric: CompareMetric, axis: XAxis, weight: number): Float64Array {
  const entry = entryFor(run, metric, axis);
  if (weight <= 0) return entry.columns.ys;
  if (entry.smoothed?.weight !== weight) entry.smoothed = { weight, ys: emaSmoothArray(entry.columns.ys, weight) };
  return entry.smoothed.ys;
}

export interface CompareOptions {
  metric: CompareMetric;
  axis: XAxis;
  /** EMA weight, 0 (off) to 0.99. */
  smoothing: number;
  /** Points per line at most (pointsForWidth): two per envelope bucket. */
  maxPoints?: number;
  /** The x window in view; null or absent: everything. */
  window?: { min: number; max: number } | null;
  /** Runs left out (legend hide / solo). */
  hidden?: ReadonlySet<string>;
  /** A log y axis: the y extent counts positive values only. */
  log?: boolean;
}

export interface CompareChart {
  series: ChartSeries[];
  /** The x extent of every shown run's data (what "reset zoom" returns to); null without data. */
  xExtent: { min: number; max: number } | null;
  /** The y extent of what is in view (padded), for the axis; null without data. */
  yExtent: { min: number; max: number } | null;
}

export function compareChart(runs: readonly CompareInput[], opts: CompareOptions): CompareChart {
  const style = isPerEpoch(opts.metric) ? 'line-points' : 'line';
  const buckets = Math.max(1, Math.floor((opts.maxPoints ?? MAX_POINTS) / 2));
  const shown = runs.filter((r) => !opts.hidden?.has(r.id));
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const run of shown) {
    const { xs } = entryFor(run, opts.metric, opts.axis).columns;
    if (xs.length === 0) continue;
    xMin = Math.min(xMin, xs[0]!);
    xMax = Math.max(xMax, xs[xs.length - 1]!);
  }
  const xExtent = xMin <= xMax ? { min: xMin, max: xMax } : null;
  const window = opts.window ?? xExtent;
  const series: ChartSeries[] = [];
  const main: ChartSeries['points'][] = [];
  for (const run of shown) {
    const { xs, ys } = entryFor(run, opts.metric, opts.axis).columns;
    const from = window?.min;
    const to = window?.max;
    if (opts.smoothing > 0) {
      series.push({
        id: `${run.id}:raw`,
        label: `${run.label} (raw)`,
        color: run.color,
        points: envelope(xs, ys, buckets, from, to),
        faint: true,
      });
    }
    const points = envelope(xs, smoothedColumn(run, opts.metric, opts.axis, opts.smoothing), buckets, from, to);
    main.push(points);
    series.push({ id: run.id, label: run.label, color: run.color, points, style });
  }
  // The axis fits the lines people read (smoothed), not the faint raw spikes under them.
  const extent = window ? yExtent(main, window.min, window.max, opts.log === true) : null;
  return { series, xExtent, yExtent: extent ? padExtent(extent, opts.log === true) : null };
}
