import { describe, expect, it } from 'vitest';
import { lttb } from '../../../src/renderer/src/lib/downsample';
import { emaSmooth, emaSmoothArray } from '../../../src/renderer/src/lib/smoothing';

function columns(n: number, y: (i: number) => number) {
  const xs = Float64Array.from({ length: n }, (_, i) => i + 1);
  const ys = Float64Array.from({ length: n }, (_, i) => y(i));
  return { xs, ys };
}

describe('lttb', () => {
  it('returns short series unchanged', () => {
    const { xs, ys } = columns(5, (i) => i * 2);
    expect(lttb(xs, ys, 10)).toEqual([1, 2, 3, 4, 5].map((x, i) => ({ x, y: i * 2 })));
  });

  it('reduces 50,000 points to the target, keeping both ends and x order', () => {
    const { xs, ys } = columns(50_000, (i) => Math.sin(i / 500));
    const out = lttb(xs, ys, 2000);
    expect(out).toHaveLength(2000);
    expect(out[0]).toEqual({ x: 1, y: 0 });
    expect(out[out.length - 1]?.x).toBe(50_000);
    for (let i = 1; i < out.length; i++) expect(out[i]!.x).toBeGreaterThan(out[i - 1]!.x);
  });

  it('keeps a single spike that averaging would lose', () => {
    const { xs, ys } = columns(10_000, (i) => (i === 6543 ? 50 : 1));
    const out = lttb(xs, ys, 100);
    expect(out.some((p) => p.x === 6544 && p.y === 50)).toBe(true);
  });

  it('keeps a diverged stretch as a gap (null), in x order', () => {
    const { xs, ys } = columns(1000, (i) => (i >= 500 && i < 520 ? NaN : 1 + (i % 7)));
    const out = lttb(xs, ys, 50);
    const gaps = out.filter((p) => p.y === null);
    expect(gaps.length).toBeGreaterThan(0);
    expect(gaps.every((p) => p.x >= 501 && p.x <= 520)).toBe(true);
    for (let i = 1; i < out.length; i++) expect(out[i]!.x).toBeGreaterThan(out[i - 1]!.x);
  });
});

describe('emaSmoothArray', () => {
  it('matches emaSmooth value for value, NaN standing for null', () => {
    const values = [2.3, 1.9, null, 1.5, 1.2, 0.9];
    const typed = emaSmoothArray(
      Float64Array.from(values, (v) => (v === null ? NaN : v)),
      0.8,
    );
    const plain = emaSmooth(values, 0.8);
    plain.forEach((v, i) => (v === null ? expect(typed[i]).toBeNaN() : expect(typed[i]).toBeCloseTo(v, 12)));
  });
});
