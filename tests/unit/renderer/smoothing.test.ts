import { describe, expect, it } from 'vitest';
import { emaSmooth, smoothPoints } from '../../../src/renderer/src/lib/smoothing';

describe('emaSmooth (TensorBoard debiased EMA)', () => {
  it('debiases the first points instead of dragging them towards zero', () => {
    const out = emaSmooth([1, 2, 3], 0.5);
    // last: 0.5, 1.25, 2.125; debias: 1 − 0.5^n = 0.5, 0.75, 0.875
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(1.25 / 0.75, 12);
    expect(out[2]).toBeCloseTo(2.125 / 0.875, 12);
  });

  it('weight 0 returns the raw values', () => {
    expect(emaSmooth([3, 1, 4, 1, 5], 0)).toEqual([3, 1, 4, 1, 5]);
  });

  it('keeps a constant series exactly constant', () => {
    expect(emaSmooth([0.7, 0.7, 0.7, 0.7], 0.99)).toEqual([0.7, 0.7, 0.7, 0.7]);
  });

  it('passes nulls (diverged losses) through without advancing the average', () => {
    const out = emaSmooth([1, null, 3], 0.5);
    expect(out[1]).toBeNull();
    // Same as smoothing [1, 3]: last 0.5 → 0.25 + 1.5 = 1.75, debias 0.75.
    expect(out[2]).toBeCloseTo(1.75 / 0.75, 12);
  });

  it('heavy smoothing flattens noise around the mean', () => {
    const noisy = Array.from({ length: 2000 }, (_, i) => 1 + (i % 2 === 0 ? 0.5 : -0.5));
    const tail = emaSmooth(noisy, 0.99).slice(-100) as number[];
    expect(Math.max(...tail) - Math.min(...tail)).toBeLessThan(0.02);
    expect(tail[99]).toBeCloseTo(1, 1);
  });

  it('smoothPoints keeps x and smooths y', () => {
    const out = smoothPoints(
      [
        { x: 10, y: 1 },
        { x: 20, y: 2 },
      ],
      0.5,
    );
    expect(out.map((p) => p.x)).toEqual([10, 20]);
    expect(out[1]?.y).toBeCloseTo(1.25 / 0.75, 12);
  });
});
