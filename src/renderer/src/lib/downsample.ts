/**
 * Largest-Triangle-Three-Buckets over typed arrays: keeps the shape of a long series
 * (spikes included) in `target` points, without allocating a point object per input
 * value. NaN marks a gap (a diverged loss): a bucket holding one keeps it as a null point
 * so the line still breaks there.
 */
import type { Point } from './series';

export function lttb(xs: Float64Array, ys: Float64Array, target: number): Point[] {
  const n = xs.length;
  if (n <= target || target < 3) {
    const out: Point[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = { x: xs[i]!, y: Number.isNaN(ys[i]!) ? null : ys[i]! };
    return out;
  }
  const out: Point[] = [];
  const push = (i: number) => out.push({ x: xs[i]!, y: Number.isNaN(ys[i]!) ? null : ys[i]! });
  const bucket = (n - 2) / (target - 2);
  let a = 0;
  push(0);
  for (let b = 0; b < target - 2; b++) {
    const start = Math.floor(b * bucket) + 1;
    const end = Math.min(Math.floor((b + 1) * bucket) + 1, n - 1);
    // The average of the next bucket is the third corner of the triangle.
    const nextStart = end;
    const nextEnd = Math.min(Math.floor((b + 2) * bucket) + 1, n);
    let avgX = 0;
    let avgY = 0;
    let count = 0;
    for (let j = nextStart; j < nextEnd; j++) {
      if (Number.isNaN(ys[j]!)) continue;
      avgX += xs[j]!;
      avgY += ys[j]!;
      count++;
    }
    if (count > 0) {
      avgX /= count;
      avgY /= count;
    } else {
      avgX = xs[nextStart] ?? xs[n - 1]!;
      avgY = Number.isNaN(ys[a]!) ? 0 : ys[a]!;
    }
    const ax = xs[a]!;
    const ay = Number.isNaN(ys[a]!) ? avgY : ys[a]!;
    let best = -1;
    let bestArea = -1;
    let gap = -1;
    for (let j = start; j < end; j++) {
      const y = ys[j]!;
      if (Number.isNaN(y)) {
        if (gap === -1) gap = j;
        continue;
      }
      const area = Math.abs((ax - avgX) * (y - ay) - (ax - xs[j]!) * (avgY - ay));
      if (area > bestArea) {
        bestArea = area;
        best = j;
      }
    }
    if (gap !== -1 && (best === -1 || gap < best)) push(gap);
    if (best !== -1) {
      push(best);
      a = best;
    }
    if (gap !== -1 && best !== -1 && gap > best) push(gap);
    if (best === -1) a = gap;
  }
  push(n - 1);
  return out;
}
