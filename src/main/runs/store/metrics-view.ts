/**
 * computeView: a chart-resolution view of one run from its MetricsIndex — the x range cut
 * into equal buckets, and per non-empty bucket the first and last x, the row count, and each
 * series' min, max and mean (diverged values left out). Min and max keep every spike a
 * chart of that width could show; a zoomed chart asks again for its narrower range. Work is
 * sliced (yields to the event loop), so a 5M-row view never blocks other clients.
 */
import {
  EPOCH_SERIES,
  ITER_SERIES,
  VIEW_EPOCH_ROWS_MAX,
  type BucketedRows,
  type MetricsView,
  type MetricX,
  type SeriesBuckets,
} from '../../../shared/metrics-view';
import type { EpochRow } from '../../../shared/records';
import { BLOCK_BITS, type Column } from './columns';
import { AXES, type EpochColumns, type Extent, type IterColumns, type MetricsIndex } from './metrics-index';
import { TimeSlice } from './time-slice';

export interface ViewRequest {
  x: MetricX;
  from?: number;
  to?: number;
  buckets: number;
}

/** Rows between checks of the time slice. */
const SLICE_ROWS = 16_384;

interface Kind<K extends string> {
  length: number;
  extent: Extent;
  x(axis: number, i: number): number;
  /** The column x is read from (time: milliseconds, scaled to seconds as it is read). */
  xColumn(axis: number): Column;
  series: Record<K, Column>;
}

export async function computeView(id: string, index: MetricsIndex, request: ViewRequest, slice = new TimeSlice()): Promise<MetricsView> {
  const axis = AXES.indexOf(request.x);
  const iter = iterKind(index.iter);
  const epoch = epochKind(index.epoch);
  const lo = Math.min(iter.extent.min[axis]!, epoch.extent.min[axis]!);
  const hi = Math.max(iter.extent.max[axis]!, epoch.extent.max[axis]!);
  const empty = index.rows === 0;
  const from = request.from ?? (empty ? null : lo);
  const to = request.to ?? (empty ? null : hi);
  const range = from === null || to === null ? null : { from, to, buckets: request.buckets, axis };
  const iterBuckets = await bucketize(iter, ITER_SERIES, range, slice);
  const epochBuckets = await bucketize(epoch, EPOCH_SERIES, range, slice);
  const epochRows = epochBuckets.rows <= VIEW_EPOCH_ROWS_MAX ? await epochRowsIn(index.epoch, range, slice) : null;
  return {
    id,
    x: request.x,
    from,
    to,
    buckets: request.buckets,
    rows: index.rows,
    iter: iterBuckets,
    epoch: epochBuckets,
    epochRows,
    last: { iter: null, epoch: index.epoch.length > 0 ? index.epoch.row(index.epoch.length - 1) : null },
    skippedLines: index.skipped,
    damage: index.damage(),
  };
}

function iterKind(c: IterColumns): Kind<(typeof ITER_SERIES)[number]> {
  return {
    length: c.length,
    extent: c.extent,
    x: (a, i) => c.x(a, i),
    xColumn: (a) => (a === 0 ? c.iter : a === 1 ? c.epoch : c.t),
    series: { loss: c.loss, lr: c.lr },
  };
}

function epochKind(c: EpochColumns): Kind<(typeof EPOCH_SERIES)[number]> {
  return {
    length: c.length,
    extent: c.extent,
    x: (a, i) => c.x(a, i),
    xColumn: (a) => (a === 0 ? c.iter : a === 1 ? c.epoch : c.t),
    series: { train_loss: c.train_loss, train_accuracy: c.train_accuracy, valid_loss: c.valid_loss, valid_accuracy: c.valid_accuracy },
  };
}

interface Range {
  from: number;
  to: number;
  buckets: number;
  axis: number;
}

/** First row with x ≥ from, by binary search where x never goes down; else 0 (every row is tested). */
function firstInRange(kind: Kind<string>, range: Range): number {
  if (!kind.extent.sorted[range.axis]) return 0;
  let lo = 0;
  let hi = kind.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (kind.x(range.axis, mid) < range.from) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

async function bucketize<K extends string>(
  kind: Kind<K>,
  names: readonly K[],
  range: Range | null,
  slice: TimeSlice,
): Promise<BucketedRows<K>> {
  const out: BucketedRows<K> = {
    rows: 0,
    x0: [],
    x1: [],
    count: [],
    first: { iter: [], epoch: [], time: [] },
    last: { iter: [], epoch: [], time: [] },
    series: Object.fromEntries(names.map((n) => [n, { min: [], max: [], mean: [] } satisfies SeriesBuckets])) as unknown as Record<
      K,
      SeriesBuckets
    >,
  };
  if (range === null || kind.length === 0) return out;
  const { from, to, buckets, axis } = range;
  const width = (to - from) / buckets;
  const count = new Float64Array(buckets);
  const x0 = new Float64Array(buckets).fill(Infinity);
  const x1 = new Float64Array(buckets).fill(-Infinity);
  const firstRow = new Float64Array(buckets);
  const lastRow = new Float64Array(buckets);
  // Per series and bucket: min, max, sum and count of the values that did not diverge.
  const acc = names.map(() => ({
    min: new Float64Array(buckets).fill(Infinity),
    max: new Float64Array(buckets).fill(-Infinity),
    sum: new Float64Array(buckets),
    n: new Float64Array(buckets),
  }));
  const sorted = kind.extent.sorted[axis]!;
  const xs = kind.xColumn(axis);
  const divisor = axis === 2 ? 1000 : 1;
  const ys = names.map((n) => kind.series[n].blocks);
  let rows = 0;
  const first = firstInRange(kind, range);
  // Block by block on the typed arrays themselves: a million rows in a few milliseconds.
  scan: for (let block = first >>> BLOCK_BITS; block < xs.blocks.length; block++) {
    await slice.maybeYield();
    const xb = xs.blocks[block]!;
    const base = block << BLOCK_BITS;
    const end = Math.min(xb.length, kind.length - base);
    for (let j = base < first ? first - base : 0; j < end; j++) {
      const x = xb[j]! / divisor;
      if (x > to) {
        if (sorted) break scan;
        continue;
      }
      if (x < from) continue;
      // Bucket k holds from + k·width ≤ x < from + (k+1)·width; the last one also holds x = to.
      let b = width > 0 ? Math.floor((x - from) / width) : 0;
      if (b >= buckets) b = buckets - 1;
      rows++;
      if (count[b]!++ === 0) firstRow[b] = base + j;
      lastRow[b] = base + j;
      if (x < x0[b]!) x0[b] = x;
      if (x > x1[b]!) x1[b] = x;
      for (let s = 0; s < ys.length; s++) {
        const y = ys[s]![block]![j]!;
        if (y !== y) continue; // NaN: a diverged value
        const a = acc[s]!;
        if (y < a.min[b]!) a.min[b] = y;
        if (y > a.max[b]!) a.max[b] = y;
        a.sum[b]! += y;
        a.n[b]!++;
      }
    }
  }
  out.rows = rows;
  const xRound = axis === 0 ? (v: number) => v : round;
  for (let b = 0; b < buckets; b++) {
    if (count[b] === 0) continue;
    out.x0.push(xRound(x0[b]!));
    out.x1.push(xRound(x1[b]!));
    out.count.push(count[b]!);
    AXES.forEach((name, a) => {
      const at = a === 0 ? (v: number) => v : round;
      out.first[name].push(at(kind.x(a, firstRow[b]!)));
      out.last[name].push(at(kind.x(a, lastRow[b]!)));
    });
    names.forEach((name, s) => {
      const a = acc[s]!;
      const has = a.n[b]! > 0;
      const series = out.series[name];
      series.min.push(has ? round(a.min[b]!) : null);
      series.max.push(has ? round(a.max[b]!) : null);
      series.mean.push(has ? round(a.sum[b]! / a.n[b]!) : null);
    });
  }
  return out;
}

async function epochRowsIn(columns: EpochColumns, range: Range | null, slice: TimeSlice): Promise<EpochRow[]> {
  const rows: EpochRow[] = [];
  if (range === null) return rows;
  for (let i = 0; i < columns.length; i++) {
    if (i % SLICE_ROWS === 0) await slice.maybeYield();
    const x = columns.x(range.axis, i);
    if (x >= range.from && x <= range.to) rows.push(columns.row(i));
  }
  return rows;
}

/** Seven significant digits: what a float32 column holds, without its binary tail in the JSON. */
function round(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(7)) : v;
}
