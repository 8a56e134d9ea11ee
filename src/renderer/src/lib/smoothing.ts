/**
 * TensorBoard's debiased exponential moving average. The bias correction divides by
 * 1 − w^n so the first points are not dragged towards zero; non-finite values pass through
 * untouched and do not advance the average; a constant series stays exactly constant.
 */
import type { Point } from './series';

/** The core, on typed arrays (NaN = missing): no allocation per value. */
export function emaSmoothArray(values: Float64Array, weight: number): Float64Array {
  const w = Math.min(Math.max(weight, 0), 1);
  const n = values.length;
  const out = new Float64Array(n);
  let first = NaN;
  let isConstant = true;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      isConstant = false;
      continue;
    }
    if (Number.isNaN(first)) first = v;
    else if (v !== first) isConstant = false;
  }
  if (w === 0 || isConstant) {
    out.set(values);
    return out;
  }
  let last = 0;
  // w^count, kept as a running product (Math.pow per value is the slow part at 50k points).
  let wPow = 1;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) {
      out[i] = v;
      continue;
    }
    last = last * w + (1 - w) * v;
    wPow *= w;
    out[i] = w === 1 ? last : last / (1 - wPow);
  }
  return out;
}

export function emaSmooth(values: ReadonlyArray<number | null>, weight: number): (number | null)[] {
  const typed = Float64Array.from(values, (v) => (v === null ? NaN : v));
  return Array.from(emaSmoothArray(typed, weight), (v, i) => (values[i] === null ? null : v));
}

/** Smooths the y values of a series, keeping its x values. */
export function smoothPoints(points: ReadonlyArray<Point>, weight: number): Point[] {
  const ys = emaSmooth(
    points.map((p) => p.y),
    weight,
  );
  return points.map((p, i) => ({ x: p.x, y: ys[i] ?? null }));
}
