import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../../../src/shared/records';
import { appendRows, buildSeries, latest, metricPoints } from '../../../src/renderer/src/lib/series';
import { compareChart, pointsForWidth } from '../../../src/renderer/src/lib/compare-series';

const iter = (i: number, loss: number | null, t = i * 10): MetricRow => ({ kind: 'iter', iter: i, epoch: i / 4, loss, lr: 0.1 * i, t });
const epoch = (e: number, it: number, valid: number): MetricRow => ({
  kind: 'epoch',
  epoch: e,
  iter: it,
  train_loss: valid - 0.1,
  train_accuracy: 0.8 + e / 100,
  valid_loss: valid,
  valid_accuracy: 0.75 + e / 100,
  seconds: 1,
  t: it * 10 + 5,
});

const rows: MetricRow[] = [
  iter(1, 2.3),
  iter(2, 1.9),
  iter(3, 1.5),
  iter(4, 1.2),
  epoch(1, 4, 1.25),
  iter(5, null),
  iter(6, 0.9),
  iter(7, 0.8),
  iter(8, 0.7),
  epoch(2, 8, 0.75),
];

describe('series from metric rows', () => {
  it('splits iteration and epoch rows into chart points', () => {
    const s = buildSeries(rows);
    expect(s.trainLoss).toEqual([
      { x: 1, y: 2.3 },
      { x: 2, y: 1.9 },
      { x: 3, y: 1.5 },
      { x: 4, y: 1.2 },
      { x: 5, y: null },
      { x: 6, y: 0.9 },
      { x: 7, y: 0.8 },
      { x: 8, y: 0.7 },
    ]);
    expect(s.lr.map((p) => p.y)).toEqual([0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6000000000000001, 0.7000000000000001, 0.8]);
    // Valid loss sits at each epoch's last iteration.
    expect(s.validLoss).toEqual([
      { x: 4, y: 1.25 },
      { x: 8, y: 0.75 },
    ]);
    expect(s.validAccuracy).toEqual([
      { x: 1, y: 0.76 },
      { x: 2, y: 0.77 },
    ]);
    expect(s.trainAccuracy.map((p) => p.x)).toEqual([1, 2]);
  });

  it('skips rows already held, so a snapshot and overlapping pushes do not duplicate', () => {
    const s = buildSeries(rows.slice(0, 6));
    const added = appendRows(s, rows.slice(3));
    expect(added).toBe(4);
    expect(s.trainLoss.map((p) => p.x)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(s.validLoss.map((p) => p.x)).toEqual([4, 8]);
    expect(appendRows(s, rows)).toBe(0);
  });

  it('latest() gives the newest iteration and epoch rows', () => {
    const { iter: it, epoch: ep } = latest(buildSeries(rows));
    expect(it?.iter).toBe(8);
    expect(ep?.epoch).toBe(2);
    expect(latest(buildSeries([]))).toEqual({ iter: null, epoch: null });
  });

  it('metricPoints puts a metric against iteration, epoch or wall time (seconds)', () => {
    const s = buildSeries(rows);
    expect(metricPoints(s, 'train_loss', 'epoch').slice(0, 2)).toEqual([
      { x: 0.25, y: 2.3 },
      { x: 0.5, y: 1.9 },
    ]);
    expect(metricPoints(s, 'train_loss', 'time')[1]).toEqual({ x: 0.02, y: 1.9 });
    expect(metricPoints(s, 'valid_loss', 'iter')).toEqual([
      { x: 4, y: 1.25 },
      { x: 8, y: 0.75 },
    ]);
    expect(metricPoints(s, 'valid_accuracy', 'time')).toEqual([
      { x: 0.045, y: 0.76 },
      { x: 0.085, y: 0.77 },
    ]);
  });

  it('compareChart gives each run its colour and keeps the raw line faint under the smoothed one', () => {
    const a = { id: 'a', label: 'run a', color: '#111111', series: buildSeries(rows) };
    const b = { id: 'b', label: 'run b', color: '#222222', series: buildSeries(rows.slice(0, 5)) };
    const smoothed = compareChart([a, b], { metric: 'train_loss', axis: 'iter', smoothing: 0.6 }).series;
    expect(smoothed.map((s) => [s.id, s.faint === true, s.color])).toEqual([
      ['a:raw', true, '#111111'],
      ['a', false, '#111111'],
      ['b:raw', true, '#222222'],
      ['b', false, '#222222'],
    ]);
    expect(smoothed[0]?.points).toHaveLength(8);
    // The smoothed first point equals the raw one (debiased).
    expect(smoothed[1]?.points[0]?.y).toBeCloseTo(2.3, 12);
    const raw = compareChart([a, b], { metric: 'valid_accuracy', axis: 'epoch', smoothing: 0 }).series;
    expect(raw).toHaveLength(2);
    expect(raw[0]?.style).toBe('line-points');
    expect([pointsForWidth(50), pointsForWidth(1100.4), pointsForWidth(5000)]).toEqual([200, 550, 1000]);
  });

  it('compareChart downsamples the window in view, leaves hidden runs out and fits y to what is shown', () => {
    const long = {
      id: 'long',
      label: 'long',
      color: '#111111',
      series: buildSeries(Array.from({ length: 10_000 }, (_, i) => iter(i + 1, i === 99 ? 40 : 1 + Math.sin(i)))),
    };
    const short = {
      id: 'short',
      label: 'short',
      color: '#222222',
      series: buildSeries(Array.from({ length: 300 }, (_, i) => iter(i + 1, 0.5))),
    };
    const all = compareChart([long, short], { metric: 'train_loss', axis: 'iter', smoothing: 0, maxPoints: 500 });
    expect(all.xExtent).toEqual({ min: 1, max: 10_000 });
    const main = all.series.find((s) => s.id === 'long')!;
    expect(main.points.length).toBeLessThanOrEqual(500 + 2);
    expect(main.points.some((p) => p.y === 40)).toBe(true);
    expect(all.yExtent!.max).toBeGreaterThan(40);
    // Zoomed past the spike: full detail of the window, and y no longer reaches for it.
    const zoomed = compareChart([long, short], {
      metric: 'train_loss',
      axis: 'iter',
      smoothing: 0,
      maxPoints: 500,
      window: { min: 2000, max: 2100 },
    });
    const inView = zoomed.series.find((s) => s.id === 'long')!.points;
    expect(inView).toHaveLength(103);
    // (the axis ends on a round step above the window's 2.0, far below the spike's 40)
    expect(zoomed.yExtent!.max).toBeLessThanOrEqual(2.5);
    // Hiding the long run drops its raw and smoothed lines and the x extent shrinks to the short one.
    const hidden = compareChart([long, short], { metric: 'train_loss', axis: 'iter', smoothing: 0.6, hidden: new Set(['long']) });
    expect(hidden.series.map((s) => s.id)).toEqual(['short:raw', 'short']);
    expect(hidden.xExtent).toEqual({ min: 1, max: 300 });
    expect(hidden.yExtent!.max).toBeLessThanOrEqual(0.6);
  });
});
