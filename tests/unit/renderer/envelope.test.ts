import { describe, expect, it } from 'vitest';
import { envelope, padExtent, pointsFromBuckets, yExtent } from '../../../src/renderer/src/lib/envelope';
import { lttb } from '../../../src/renderer/src/lib/downsample';

/** 100,000 noisy losses with one spike of 50 at iteration 54,321. */
function series() {
  const n = 100_000;
  const xs = new Float64Array(n);
  const ys = new Float64Array(n);
  let seed = 7;
  for (let i = 0; i < n; i++) {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    xs[i] = i + 1;
    ys[i] = 0.3 + (seed / 2 ** 31) * 0.1;
  }
  ys[54_320] = 50;
  return { xs, ys };
}

describe('envelope', () => {
  it('keeps a lone spike at every zoom, in at most two points per bucket', () => {
    const { xs, ys } = series();
    for (const [from, to] of [
      [1, 100_000],
      [50_000, 60_000],
      [54_000, 54_600],
      [54_300, 54_330],
    ] as const) {
      const points = envelope(xs, ys, 500, from, to);
      expect(points.length).toBeLessThanOrEqual(2 * 500 + 2);
      expect(
        points.some((p) => p.y === 50 && p.x === 54_321),
        `${from}–${to}`,
      ).toBe(true);
      // Within the window the lowest value of every bucket is kept too.
      const inside = points.filter((p) => p.x >= from && p.x <= to);
      expect(Math.min(...inside.map((p) => p.y!))).toBeLessThan(0.31);
    }
  });

  it('keeps a dip and a spike of one bucket both, where LTTB keeps one point per bucket', () => {
    const { xs, ys } = series();
    ys[54_322] = 0.001;
    const both = (points: { y: number | null }[]) => points.some((p) => p.y === 50) && points.some((p) => p.y === 0.001);
    expect(both(envelope(xs, ys, 500))).toBe(true);
    expect(both(lttb(xs, ys, 500))).toBe(false);
  });

  it('reaches one row past each edge of the window and stays in x order', () => {
    const { xs, ys } = series();
    const points = envelope(xs, ys, 100, 1000.5, 2000.5);
    expect(points[0]!.x).toBe(1000);
    expect(points.at(-1)!.x).toBe(2001);
    for (let i = 1; i < points.length; i++) expect(points[i]!.x).toBeGreaterThan(points[i - 1]!.x);
  });

  it('starts and ends where the data does, whatever the values there', () => {
    const { xs, ys } = series();
    const points = envelope(xs, ys, 100);
    expect(points[0]!.x).toBe(1);
    expect(points.at(-1)!.x).toBe(100_000);
    expect(points.length).toBeLessThanOrEqual(2 * 100 + 2);
  });

  it('returns short series as they are and keeps a diverged value as a gap', () => {
    const xs = Float64Array.from([1, 2, 3, 4, 5, 6]);
    const ys = Float64Array.from([1, 2, Number.NaN, 4, 5, 6]);
    expect(envelope(xs, ys, 10)).toEqual([1, 2, null, 4, 5, 6].map((y, i) => ({ x: i + 1, y })));
    const long = new Float64Array(1000).map((_, i) => i);
    const values = new Float64Array(1000).map((_, i) => (i === 500 ? Number.NaN : 1));
    expect(envelope(long, values, 10).some((p) => p.x === 500 && p.y === null)).toBe(true);
    expect(envelope(new Float64Array(0), new Float64Array(0), 10)).toEqual([]);
  });

  it('draws host buckets the same way, and measures the y extent of what is in view', () => {
    expect(pointsFromBuckets({ x0: [1, 11], x1: [10, 20], min: [0.5, 0.4], max: [0.9, 0.4] })).toEqual([
      { x: 1, y: 0.5 },
      { x: 10, y: 0.9 },
      { x: 11, y: 0.4 },
      { x: 20, y: 0.4 },
    ]);
    const a = [
      { x: 1, y: 5 },
      { x: 2, y: 0.1 },
      { x: 3, y: 100 },
    ];
    expect(yExtent([a], 1, 2, false)).toEqual({ min: 0.1, max: 5 });
    expect(yExtent([a, [{ x: 2, y: -1 }]], 0, 10, true)).toEqual({ min: 0.1, max: 100 });
    expect(yExtent([a], 10, 20, false)).toBeNull();
    // Round ends with a margin, never below 0 for values that are not.
    expect(padExtent({ min: 0, max: 10 }, false)).toEqual({ min: 0, max: 12 });
    expect(padExtent({ min: 0.08, max: 253.4 }, false)).toEqual({ min: 0, max: 300 });
    expect(padExtent({ min: -3, max: 7 }, false)).toEqual({ min: -4, max: 8 });
    expect(padExtent({ min: 0.094, max: 253 }, true)).toEqual({ min: 0.05, max: 500 });
    expect(padExtent({ min: 1, max: 10 }, true)).toEqual({ min: 0.5, max: 20 });
  });
});
