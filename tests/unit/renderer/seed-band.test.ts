/**
 * A seed group's statistics, exact on small inputs: mean and min–max or ± sample std per
 * step over the steps all runs have, gaps where a run has no value, and mean ± std of the
 * final metrics; the band's downsampling keeps every edge's extreme and shares x values.
 */
import { describe, expect, it } from 'vitest';
import { bandEnvelope } from '../../../src/renderer/src/lib/band-envelope';
import { bandColumns, meanStd } from '../../../src/renderer/src/lib/seed-band';
import { compareChart } from '../../../src/renderer/src/lib/compare-series';
import { buildSeries } from '../../../src/renderer/src/lib/series';
import type { MetricRow } from '../../../src/shared/records';

const f = (values: number[]) => Float64Array.from(values);
const col = (steps: number[], ys: number[], xs = steps) => ({ steps: f(steps), xs: f(xs), ys: f(ys) });

describe('bandColumns', () => {
  it('gives mean and min–max over the steps every run has', () => {
    const b = bandColumns([col([1, 2, 3, 4], [1, 2, 3, 4]), col([1, 2, 3], [3, 4, 8]), col([2, 3, 5], [6, 9, 1])], 'minmax');
    expect([...b.steps]).toEqual([2, 3]);
    expect([...b.mean]).toEqual([4, 20 / 3]);
    expect([...b.lo]).toEqual([2, 3]);
    expect([...b.hi]).toEqual([6, 9]);
  });

  it('gives mean ± the sample standard deviation', () => {
    // Values 1, 3: mean 2, sample std √2. Values 2, 4, 9 (3 runs below): mean 5, std √13.
    const two = bandColumns([col([1], [1]), col([1], [3])], 'std');
    expect(two.mean[0]).toBe(2);
    expect(two.lo[0]).toBeCloseTo(2 - Math.SQRT2, 12);
    expect(two.hi[0]).toBeCloseTo(2 + Math.SQRT2, 12);
    const three = bandColumns([col([1], [2]), col([1], [4]), col([1], [9])], 'std');
    expect(three.hi[0]).toBeCloseTo(5 + Math.sqrt(13), 12);
  });

  it('averages the runs’ x (wall time differs per run) and leaves a gap where a run diverged', () => {
    const b = bandColumns([col([1, 2], [1, NaN], [10, 20]), col([1, 2], [3, 4], [12, 26])], 'minmax');
    expect([...b.xs]).toEqual([11, 23]);
    expect(b.mean[0]).toBe(2);
    expect([Number.isNaN(b.mean[1]!), Number.isNaN(b.lo[1]!), Number.isNaN(b.hi[1]!)]).toEqual([true, true, true]);
    expect(bandColumns([], 'minmax').steps).toHaveLength(0);
    expect(bandColumns([col([], []), col([1], [1])], 'minmax').steps).toHaveLength(0);
  });
});

describe('meanStd', () => {
  it('is the mean ± sample std of the finite values', () => {
    expect(meanStd([0.9, 0.8, null, 1])).toEqual({ mean: 0.9, std: expect.closeTo(0.1, 12) as number, n: 3 });
    expect(meanStd([0.5])).toEqual({ mean: 0.5, std: 0, n: 1 });
    expect(meanStd([null, undefined, NaN])).toBeNull();
  });
});

describe('bandEnvelope', () => {
  it('keeps each edge’s extreme in every bucket, all three on the same x values', () => {
    const n = 10_000;
    const xs = Float64Array.from({ length: n }, (_, i) => i + 1);
    const mean = Float64Array.from({ length: n }, () => 1);
    const lo = Float64Array.from({ length: n }, () => 0.5);
    const hi = Float64Array.from({ length: n }, () => 1.5);
    lo[4321] = -7;
    hi[777] = 40;
    mean[9000] = 12;
    const b = bandEnvelope(xs, mean, lo, hi, 200);
    expect(b.mean.length).toBeLessThanOrEqual(4 * 100 + 4);
    expect(b.lo.map((p) => p.x)).toEqual(b.mean.map((p) => p.x));
    expect(b.hi.map((p) => p.x)).toEqual(b.mean.map((p) => p.x));
    expect(b.lo.find((p) => p.y === -7)?.x).toBe(4322);
    expect(b.hi.find((p) => p.y === 40)?.x).toBe(778);
    expect(b.mean.find((p) => p.y === 12)).toEqual({ x: 9001, y: 12, lo: 0.5, hi: 1.5 });
    expect([b.mean[0]!.x, b.mean[b.mean.length - 1]!.x]).toEqual([1, n]);
    // Zoomed in, every row of the window (and one either side).
    const zoomed = bandEnvelope(xs, mean, lo, hi, 200, 100, 150);
    expect(zoomed.mean.map((p) => p.x)).toEqual(Array.from({ length: 53 }, (_, i) => 99 + i));
  });
});

describe('compareChart with a seed group', () => {
  const iter = (i: number, loss: number): MetricRow => ({ kind: 'iter', iter: i, epoch: i / 2, loss, lr: 0.1, t: i * 10 });
  const epoch = (e: number, valid: number): MetricRow => ({
    kind: 'epoch',
    epoch: e,
    iter: e * 2,
    train_loss: valid,
    train_accuracy: 0.5,
    valid_loss: valid,
    valid_accuracy: 0.5,
    seconds: 1,
    t: e * 20 + 5,
  });
  const a = buildSeries([iter(1, 2), iter(2, 1), epoch(1, 1.5), iter(3, 0.8), iter(4, 0.6), epoch(2, 0.7)]);
  const b = buildSeries([iter(1, 4), iter(2, 3), epoch(1, 2.5), iter(3, 1.2)]);

  it('draws the band’s low and high edges and the mean line, in the group’s colour', () => {
    const group = { id: 'seeds:a', label: 'lr=0.1', color: '#0072B2', members: [{ series: a }, { series: b }] };
    const chart = compareChart([group], { metric: 'train_loss', axis: 'iter', smoothing: 0 });
    expect(chart.series.map((s) => [s.id, s.band ?? null, s.bounds ?? null, s.color])).toEqual([
      ['seeds:a:lo', 'lower', null, '#0072B2'],
      ['seeds:a:hi', 'upper', null, '#0072B2'],
      ['seeds:a', null, 'minmax', '#0072B2'],
    ]);
    // Iterations 1–3 (run b stops there): means 3, 2, 1.
    expect(chart.series[2]!.points).toEqual([
      { x: 1, y: 3, lo: 2, hi: 4 },
      { x: 2, y: 2, lo: 1, hi: 3 },
      { x: 3, y: 1, lo: 0.8, hi: 1.2 },
    ]);
    expect(chart.xExtent).toEqual({ min: 1, max: 3 });
    // The y axis fits the band, not only the mean.
    expect(chart.yExtent!.max).toBeGreaterThanOrEqual(4);
    const byEpoch = compareChart([group], { metric: 'valid_loss', axis: 'epoch', smoothing: 0, band: 'std' });
    expect(byEpoch.series[2]!.points).toEqual([{ x: 1, y: 2, lo: 2 - Math.SQRT1_2, hi: 2 + Math.SQRT1_2 }]);
    expect(byEpoch.series[2]!.style).toBe('line-points');
    expect(compareChart([group], { metric: 'train_loss', axis: 'iter', smoothing: 0, hidden: new Set(['seeds:a']) }).series).toEqual([]);
  });
});
