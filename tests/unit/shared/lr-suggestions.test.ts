/**
 * fastai's LR-finder suggestions on hand-made curves: minimum/10, steep (fastest fall against
 * log lr), valley (the longest falling stretch, 1/3 + 1/6 of the way along), the trim of the
 * first tenth and last five points, and the debiased smoothing.
 */
import { describe, expect, it } from 'vitest';
import { lrSuggestions, smoothLosses } from '../../../src/shared/lr-suggestions';

const lrsOf = (n: number) => Array.from({ length: n }, (_, i) => 10 ** (-6 + i / 10));

describe('lrSuggestions', () => {
  it('on a U-shaped curve: minimum/10, steep and valley where fastai puts them', () => {
    // 40 points, lr 1e-6 … ~8e-3. Loss: flat at 2 until i=10, falling to 0.5 at i=25 (fastest at i=15..16), rising after.
    const lrs = lrsOf(40);
    const losses = lrs.map((_, i) => (i <= 10 ? 2 : i <= 25 ? 2 - 1.5 * Math.sin(((i - 10) / 15) * (Math.PI / 2)) : 0.5 + (i - 25) * 0.2));
    // Make i=11 the single steepest step.
    losses[11] = 1.5;
    const s = lrSuggestions(lrs, losses);
    // Trim: the first 4 (40 // 10) and the last 5 points are left out; 31 remain (indices 4..34).
    expect(s.minimum).toBeCloseTo(lrs[25]! / 10, 12);
    expect(s.steep).toBeCloseTo(lrs[10]!, 12);
    // The longest falling stretch ends at i = 25 (trimmed index 21) and is 15 points long; fastai:
    // max_start = 21 − 15 = 6, sections = 5, idx = 6 + 5 + 2 = 13 → trimmed index 13 is i = 17.
    expect(s.valley).toBeCloseTo(lrs[17]!, 12);
  });

  it('keeps a short curve whole, ignores non-finite losses and gives nulls when nothing is left', () => {
    expect(lrSuggestions([1e-3, 1e-2, 1e-1], [1, 0.5, 0.8])).toEqual({ valley: 1e-3, steep: 1e-3, minimum: 1e-3 });
    expect(lrSuggestions([1e-3, 1e-2, 1e-1], [1, NaN, Infinity])).toEqual({ valley: null, steep: null, minimum: null });
    expect(lrSuggestions([], [])).toEqual({ valley: null, steep: null, minimum: null });
  });
});

describe('smoothLosses', () => {
  it('is the debiased moving average: the first value is the first loss, a constant curve stays constant', () => {
    expect(smoothLosses([3, 3, 3])).toEqual([3, 3, 3].map((v) => expect.closeTo(v, 12)));
    const s = smoothLosses([1, 0], 0.5);
    expect(s[0]).toBeCloseTo(1, 12);
    // avg = 0.5·(0.5·1) + 0.5·0 = 0.25, debiased by 1 − 0.25 → 1/3.
    expect(s[1]).toBeCloseTo(1 / 3, 12);
  });
});
