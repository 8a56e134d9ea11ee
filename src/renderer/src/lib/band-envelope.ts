/**
 * bandEnvelope: a seed group's mean line and band edges downsampled together, like
 * envelope.ts does for one line: per bucket of the window in view it keeps the rows where
 * the lower edge is lowest, the upper edge highest and the mean lowest and highest, so no
 * spike of any of the three is lost at any zoom, and all three share their x values (the
 * band's fill then meets its edges exactly). A gap (NaN) is kept as a null point.
 */
import { lowerBound, upperBound } from './envelope';
import type { Point } from './series';

/** A mean point that carries its band's bounds, for the tooltip. */
export interface BandPoint extends Point {
  lo: number | null;
  hi: number | null;
}

export interface BandPoints {
  mean: BandPoint[];
  lo: Point[];
  hi: Point[];
}

const val = (v: number): number | null => (Number.isNaN(v) ? null : v);

export function bandEnvelope(
  xs: Float64Array,
  mean: Float64Array,
  lo: Float64Array,
  hi: Float64Array,
  buckets: number,
  from?: number,
  to?: number,
): BandPoints {
  const out: BandPoints = { mean: [], lo: [], hi: [] };
  const n = xs.length;
  if (n === 0) return out;
  const push = (i: number) => {
    const x = xs[i]!;
    out.mean.push({ x, y: val(mean[i]!), lo: val(lo[i]!), hi: val(hi[i]!) });
    out.lo.push({ x, y: val(lo[i]!) });
    out.hi.push({ x, y: val(hi[i]!) });
  };
  const left = from ?? xs[0]!;
  const right = to ?? xs[n - 1]!;
  // One row either side of the window, so the band reaches the frame.
  const start = Math.max(0, lowerBound(xs, left) - 1);
  const end = Math.min(n, upperBound(xs, right) + 1);
  // Up to four rows a bucket: half the buckets keep the point count of a plain line.
  const count = Math.max(1, Math.floor(buckets / 2));
  if (end - start <= 2 * buckets || right <= left) {
    for (let i = start; i < end; i++) push(i);
    return out;
  }
  const width = (right - left) / count;
  let bucket = Number.NaN;
  let picks: number[] = [];
  let loI = -1;
  let hiI = -1;
  let minI = -1;
  let maxI = -1;
  let gapI = -1;
  const flush = () => {
    picks = [loI, hiI, minI, maxI, gapI].filter((i, k, all) => i >= 0 && all.indexOf(i) === k).sort((a, b) => a - b);
    for (const i of picks) push(i);
    loI = hiI = minI = maxI = gapI = -1;
  };
  for (let i = start; i < end; i++) {
    const x = xs[i]!;
    // The rows beyond the window and the series' first and last rows get buckets of their own.
    const b = i === 0 || i === n - 1 || x < left || x > right ? -1 - i : Math.min(count - 1, Math.floor((x - left) / width));
    if (b !== bucket) {
      flush();
      bucket = b;
    }
    const m = mean[i]!;
    if (Number.isNaN(m)) {
      if (gapI < 0) gapI = i;
      continue;
    }
    if (loI < 0 || lo[i]! < lo[loI]!) loI = i;
    if (hiI < 0 || hi[i]! > hi[hiI]!) hiI = i;
    if (minI < 0 || m < mean[minI]!) minI = i;
    if (maxI < 0 || m > mean[maxI]!) maxI = i;
  }
  flush();
  return out;
}
