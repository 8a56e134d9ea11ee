/**
 * TensorBoard's debiased exponential moving average. The bias correction divides by
 * 1 − w^n so the first points are not dragged towards zero; non-finite values pass through
 * untouched and do not advance the average; a constant series stays exactly constant.
 */
import type { Point } from './series';

export function emaSmooth(values: ReadonlyArray<number | null>, weight: number): (number | null)[] {
  const w = Math.min(Math.max(weight, 0), 1);
  if (w === 0) return values.slice();
  const first = values.find((v) => v !== null && Number.isFinite(v));
  const isConstant = values.every((v) => v === first);
  let last = 0;
  let count = 0;
  return values.map((v) => {
    if (isConstant || v === null || !Number.isFinite(v)) return v;
    last = last * w + (1 - w) * v;
    count += 1;
    const debias = w === 1 ? 1 : 1 - Math.pow(w, count);
    return last / debias;
  });
}

/** Smooths the y values of a series, keeping its x values. */
export function smoothPoints(points: ReadonlyArray<Point>, weight: number): Point[] {
  const ys = emaSmooth(
    points.map((p) => p.y),
    weight,
  );
  return points.map((p, i) => ({ x: p.x, y: ys[i] ?? null }));
}
