/**
 * The Compare chart's series: for each run, the chosen metric against the chosen x axis,
 * smoothed with the debiased EMA, the raw line kept as a faint twin underneath.
 *
 * Long series are smoothed on typed arrays and then reduced with LTTB to `maxPoints`
 * (one per two pixels of chart width; the faint raw line gets half as many), and each
 * run's result is cached by (metric, axis, number of rows, weight): moving the slider
 * re-smooths, a push re-reads only the run that grew, and the canvas strokes a few
 * thousand segments instead of hundreds of thousands (rasterising them is the real cost
 * of a redraw without a GPU).
 *
 * A fork is drawn as a branch of its parent's curve when the parent is compared too: its
 * line starts at the parent's point at the fork (its epoch rows already start with the
 * parent's row there; its iteration rows get the parent's last one before them).
 */
import type { EpochRow, IterRow } from '../../../shared/records';
import type { ChartSeries } from './chart-series';
import { lttb } from './downsample';
import { seriesColor } from './palette';
import { isPerEpoch, type CompareMetric, type Point, type RunSeries, type XAxis } from './series';
import { emaSmoothArray } from './smoothing';

export interface CompareInput {
  id: string;
  label: string;
  series: RunSeries;
  /** For a fork whose parent is compared too: the parent's series and the fork point's iteration. */
  branchFrom?: { series: RunSeries; iter: number };
}

/** Enough for a 2000-pixel-wide chart at a point per two pixels. */
export const MAX_POINTS = 1000;

/**
 * Points per series for a chart `width` pixels wide: one per two pixels, within bounds.
 * Measured without a GPU, each 1,000-point line costs ~5 ms to rasterise per redraw; a
 * smoothed line at half the pixel resolution looks the same.
 */
export function pointsForWidth(width: number): number {
  return Math.max(200, Math.min(MAX_POINTS, Math.round(width / 2)));
}

interface Columns {
  xs: Float64Array;
  ys: Float64Array;
}

interface Entry {
  /** The row counts it was built from (the run's, and whether the parent's joint was there). */
  stamp: string;
  columns: Columns;
  raw: Point[];
  smoothed: { weight: number; points: Point[] } | null;
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

function entryFor(run: CompareInput, metric: CompareMetric, axis: XAxis, maxPoints: number): Entry {
  const { series, branchFrom } = run;
  let byKey = cache.get(series);
  if (!byKey) cache.set(series, (byKey = new Map()));
  const key = `${metric}|${axis}|${maxPoints}|${branchFrom?.iter ?? ''}`;
  // A parent still loading has no joint yet: built again once it has.
  const joint = metric === 'train_loss' && branchFrom !== undefined && branchFrom.series.iters.length > 0;
  const stamp = `${metric === 'train_loss' ? series.iters.length : series.epochs.length}|${joint}`;
  let entry = byKey.get(key);
  if (!entry || entry.stamp !== stamp) {
    const columns = metricColumns(series, metric, axis, branchFrom);
    entry = { stamp, columns, raw: lttb(columns.xs, columns.ys, Math.max(100, Math.round(maxPoints / 2))), smoothed: null };
    byKey.set(key, entry);
  }
  return entry;
}

function smoothedFor(entry: Entry, weight: number, maxPoints: number): Point[] {
  if (entry.smoothed?.weight !== weight) {
    const ys = emaSmoothArray(entry.columns.ys, weight);
    entry.smoothed = { weight, points: lttb(entry.columns.xs, ys, maxPoints) };
  }
  return entry.smoothed.points;
}

export function compareSeries(
  runs: readonly CompareInput[],
  metric: CompareMetric,
  axis: XAxis,
  smoothing: number,
  maxPoints = MAX_POINTS,
): ChartSeries[] {
  const style = isPerEpoch(metric) ? 'line-points' : 'line';
  const out: ChartSeries[] = [];
  runs.forEach((run, i) => {
    const color = seriesColor(i);
    const entry = entryFor(run, metric, axis, maxPoints);
    if (smoothing > 0) {
      out.push({ id: `${run.id}:raw`, label: `${run.label} (raw)`, color, points: entry.raw, faint: true });
      out.push({ id: run.id, label: run.label, color, points: smoothedFor(entry, smoothing, maxPoints), style });
    } else {
      // Unsmoothed, the raw line is the main one: full resolution.
      out.push({ id: run.id, label: run.label, color, points: smoothedFor(entry, 0, maxPoints), style });
    }
  });
  return out;
}
