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
 *
 * A seed group drawn as a band (CompareGroupInput) is its mean line over a translucent band
 * (min–max or ± std, seed-band.ts) of its runs' smoothed values, aligned by iteration for
 * the train loss and by epoch for the epoch metrics, over the steps all its runs have; the
 * three lines are downsampled together (band-envelope.ts) so no spike of any is lost.
 */
import type { EpochRow, IterRow } from '../../../shared/records';
import type { ChartSeries } from './chart-series';
import { bandEnvelope } from './band-envelope';
import { envelope, padExtent, yExtent } from './envelope';
import { bandColumns, type BandColumns, type BandKind } from './seed-band';
import { isPerEpoch, type CompareMetric, type RunSeries, type XAxis } from './series';
import { emaSmoothArray } from './smoothing';

export interface CompareInput {
  id: string;
  label: string;
  color: string;
  /** Drawn dashed (the second and later runs of a seed group shown one by one). */
  dashed?: boolean;
  series: RunSeries;
  /** For a fork whose parent is compared too: the parent's series and the fork point's iteration. */
  branchFrom?: { series: RunSeries; iter: number };
}

/** A seed group drawn as its mean and band: its runs' series (no forks among them). */
export interface CompareGroupInput {
  id: string;
  label: string;
  color: string;
  members: { series: RunSeries }[];
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
  /** What a seed group's band spans: min–max (default) or mean ± std. */
  band?: BandKind;
}

export interface CompareChart {
  series: ChartSeries[];
  /** The x extent of every shown run's data (what "reset zoom" returns to); null without data. */
  xExtent: { min: number; max: number } | null;
  /** The y extent of what is in view (padded), for the axis; null without data. */
  yExtent: { min: number; max: number } | null;
}

const bandCache = new WeakMap<RunSeries, Map<string, { stamp: string; columns: BandColumns }>>();

/** A group's mean and band columns, cached by metric, axis, smoothing, band kind and row counts. */
export function groupColumns(group: CompareGroupInput, metric: CompareMetric, axis: XAxis, smoothing: number, kind: BandKind): BandColumns {
  const first = group.members[0]?.series;
  const key = `${group.id}|${metric}|${axis}|${smoothing}|${kind}`;
  const stamp = group.members.map((m) => (metric === 'train_loss' ? m.series.iters.length : m.series.epochs.length)).join(',');
  let byKey = first ? bandCache.get(first) : undefined;
  if (first && !byKey) bandCache.set(first, (byKey = new Map()));
  const hit = byKey?.get(key);
  if (hit && hit.stamp === stamp) return hit.columns;
  // Steps: iterations for the per-iteration loss, epochs for the epoch metrics, whatever the x axis.
  const stepAxis: XAxis = metric === 'train_loss' ? 'iter' : 'epoch';
  const columns = bandColumns(
    group.members.map((m) => ({
      steps: columnsFor(m, metric, stepAxis).xs,
      xs: columnsFor(m, metric, axis).xs,
      ys: smoothedColumn(m, metric, axis, smoothing),
    })),
    kind,
  );
  byKey?.set(key, { stamp, columns });
  return columns;
}

const isGroup = (u: CompareInput | CompareGroupInput): u is CompareGroupInput => 'members' in u;

export function compareChart(runs: readonly (CompareInput | CompareGroupInput)[], opts: CompareOptions): CompareChart {
  const style = isPerEpoch(opts.metric) ? 'line-points' : 'line';
  const buckets = Math.max(1, Math.floor((opts.maxPoints ?? MAX_POINTS) / 2));
  const shown = runs.filter((r) => !opts.hidden?.has(r.id));
  const kind = opts.band ?? 'minmax';
  const xsOf = (u: CompareInput | CompareGroupInput) =>
    isGroup(u) ? groupColumns(u, opts.metric, opts.axis, opts.smoothing, kind).xs : entryFor(u, opts.metric, opts.axis).columns.xs;
  let xMin = Infinity;
  let xMax = -Infinity;
  for (const run of shown) {
    const xs = xsOf(run);
    if (xs.length === 0) continue;
    xMin = Math.min(xMin, xs[0]!);
    xMax = Math.max(xMax, xs[xs.length - 1]!);
  }
  const xExtent = xMin <= xMax ? { min: xMin, max: xMax } : null;
  const window = opts.window ?? xExtent;
  const series: ChartSeries[] = [];
  const main: ChartSeries['points'][] = [];
  for (const run of shown) {
    const from = window?.min;
    const to = window?.max;
    if (isGroup(run)) {
      const g = groupColumns(run, opts.metric, opts.axis, opts.smoothing, kind);
      const band = bandEnvelope(g.xs, g.mean, g.lo, g.hi, buckets, from, to);
      // The lower edge first: the upper one fills down to the series just before it.
      series.push({ id: `${run.id}:lo`, label: `${run.label} (band low)`, color: run.color, points: band.lo, band: 'lower' });
      series.push({ id: `${run.id}:hi`, label: `${run.label} (band high)`, color: run.color, points: band.hi, band: 'upper' });
      series.push({ id: run.id, label: run.label, color: run.color, points: band.mean, style, bounds: kind });
      main.push(band.mean, band.lo, band.hi);
      continue;
    }
    const { xs, ys } = entryFor(run, opts.metric, opts.axis).columns;
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
    series.push({ id: run.id, label: run.label, color: run.color, points, style, ...(run.dashed ? { dashed: true } : {}) });
  }
  // The axis fits the lines people read (smoothed), not the faint raw spikes under them.
  const extent = window ? yExtent(main, window.min, window.max, opts.log === true) : null;
  return { series, xExtent, yExtent: extent ? padExtent(extent, opts.log === true) : null };
}
