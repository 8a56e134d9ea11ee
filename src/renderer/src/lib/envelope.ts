/**
 * Min/max-envelope downsampling: a long series drawn in a window [from, to] as at most two
 * points per bucket — the bucket's lowest and highest value, in the order they occurred —
 * so every spike survives at any zoom (LTTB keeps the shape but may drop a lone spike
 * between buckets; this cannot). A bucket holding a diverged value (NaN) keeps a gap there.
 * One point beyond each edge of the window keeps the line running to the frame.
 *
 * The host's chart-resolution view (getMetricsView: min, max, mean per bucket) has the same
 * meaning; `pointsFromBuckets` draws such buckets the same way.
 */
import type { Point } from './series';

/** First index whose x is ≥ value (xs ascending). */
export function lowerBound(xs: Float64Array, value: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** First index whose x is > value. */
export function upperBound(xs: Float64Array, value: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

const point = (x: number, y: number): Point => ({ x, y: Number.isNaN(y) ? null : y });

/**
 * The points to draw for xs/ys (xs ascending; NaN in ys = a gap) in [from, to] with at most
 * `buckets` buckets; the whole series when from/to are omitted.
 */
export function envelope(xs: Float64Array, ys: Float64Array, buckets: number, from?: number, to?: number): Point[] {
  const n = xs.length;
  if (n === 0) return [];
  const lo = from ?? xs[0]!;
  const hi = to ?? xs[n - 1]!;
  // One row either side of the window, so the line reaches the frame instead of stopping short.
  const start = Math.max(0, lowerBound(xs, lo) - 1);
  const end = Math.min(n, upperBound(xs, hi) + 1);
  const out: Point[] = [];
  if (end - start <= 2 * buckets || hi <= lo) {
    for (let i = start; i < end; i++) out.push(point(xs[i]!, ys[i]!));
    return out;
  }
  const width = (hi - lo) / buckets;
  let bucket = -2;
  let minI = -1;
  let maxI = -1;
  let gapI = -1;
  const flush = () => {
    // The first and last rows are always kept, so the line starts and ends where the data does.
    const ends = [minI, maxI, gapI].some((i) => i >= 0) ? [firstI === start ? start : -1, lastI === end - 1 ? end - 1 : -1] : [];
    const picks = [minI, maxI, gapI, ...ends].filter((i, k, all) => i >= 0 && all.indexOf(i) === k).sort((a, b) => a - b);
    for (const i of picks) out.push(point(xs[i]!, ys[i]!));
    minI = maxI = gapI = -1;
  };
  let firstI = -1;
  let lastI = -1;
  for (let i = start; i < end; i++) {
    const x = xs[i]!;
    // The edge rows get buckets of their own (-1 and `buckets`), so they are never merged inside.
    const b = x < lo ? -1 : x > hi ? buckets : Math.min(buckets - 1, Math.floor((x - lo) / width));
    if (b !== bucket) {
      flush();
      bucket = b;
      firstI = i;
    }
    lastI = i;
    const y = ys[i]!;
    if (Number.isNaN(y)) {
      if (gapI < 0) gapI = i;
      continue;
    }
    if (minI < 0 || y < ys[minI]!) minI = i;
    if (maxI < 0 || y > ys[maxI]!) maxI = i;
  }
  flush();
  return out;
}

/** Buckets as the host's metrics view gives them: the low value at the bucket's start, the high at its end. */
export function pointsFromBuckets(b: {
  x0: readonly number[];
  x1: readonly number[];
  min: readonly (number | null)[];
  max: readonly (number | null)[];
}): Point[] {
  const out: Point[] = [];
  for (let i = 0; i < b.x0.length; i++) {
    out.push({ x: b.x0[i]!, y: b.min[i] ?? null });
    if (b.x1[i] !== b.x0[i] || b.max[i] !== b.min[i]) out.push({ x: b.x1[i]!, y: b.max[i] ?? null });
  }
  return out;
}

/** The y extent of points inside [from, to] (positive values only on a log axis); null when there are none. */
export function yExtent(
  series: readonly (readonly Point[])[],
  from: number,
  to: number,
  log: boolean,
): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const points of series) {
    for (const p of points) {
      if (p.y === null || p.x < from || p.x > to || !Number.isFinite(p.y) || (log && p.y <= 0)) continue;
      if (p.y < min) min = p.y;
      if (p.y > max) max = p.y;
    }
  }
  return min <= max ? { min, max } : null;
}

/** 1, 2 or 5 × a power of ten: the nearest at or above v (up) or at or below it. */
function nice125(v: number, up: boolean): number {
  const p = 10 ** Math.floor(Math.log10(v));
  const steps = up ? [1, 2, 5, 10] : [10, 5, 2, 1];
  for (const s of steps) if (up ? s * p >= v * (1 - 1e-12) : s * p <= v * (1 + 1e-12)) return s * p;
  return up ? 10 * p : p;
}

/**
 * An extent with a margin, so lines do not run along the frame, ending on round values the
 * axis can label: on a linear axis a step of 1, 2 or 5 × 10ⁿ (about six per axis) and never
 * below 0 for data that is not; on a log axis 1, 2 or 5 × 10ⁿ.
 */
export function padExtent(extent: { min: number; max: number }, log: boolean): { min: number; max: number } {
  if (log) return { min: nice125(extent.min / 1.05, false), max: nice125(extent.max * 1.05, true) };
  const span = extent.max - extent.min || Math.abs(extent.max) || 1;
  const step = nice125(span / 6, true);
  // toPrecision: 6 × 0.1 is 0.6000000000000001 in floating point.
  let min = Number((Math.floor((extent.min - span * 0.03) / step) * step).toPrecision(12));
  const max = Number((Math.ceil((extent.max + span * 0.03) / step) * step).toPrecision(12));
  if (extent.min >= 0 && min < 0) min = 0;
  return { min, max };
}
