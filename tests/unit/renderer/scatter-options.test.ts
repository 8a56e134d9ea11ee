import { describe, expect, it } from 'vitest';
import { plotField, type PlotRun } from '../../../src/renderer/src/lib/plot-fields';
import { axisFor, axisTicks } from '../../../src/renderer/src/lib/plot-scale';
import {
  pointColors,
  scatterData,
  scatterOptions,
  scatterRange,
  scatterTick,
  scatterTickValues,
  scatterTooltip,
} from '../../../src/renderer/src/lib/scatter-options';

const runs: PlotRun[] = [
  { id: 'a', label: 'lr 1e-3', color: '#0072B2', values: { lr: 0.001, optimizer: 'sgd', best_valid_accuracy: 0.61 } },
  { id: 'b', label: 'lr 0.01', color: '#E69F00', values: { lr: 0.01, optimizer: 'adam', best_valid_accuracy: 0.87 } },
  { id: 'c', label: 'lr 0.1', color: '#009E73', values: { lr: 0.1, optimizer: 'sgd', best_valid_accuracy: 0.89 } },
  { id: 'd', label: 'failed', color: '#D55E00', values: { lr: 0.1, optimizer: 'adam', best_valid_accuracy: null } },
];
const axis = (key: string) =>
  axisFor(
    plotField(key)!,
    runs.map((r) => r.values[key] ?? null),
  );
const lr = axis('lr');
const opt = axis('optimizer');
const acc = axis('best_valid_accuracy');

describe('scatterData', () => {
  it('gives one point per run with both values and counts the others', () => {
    const data = scatterData(runs, lr, acc);
    expect(data.points).toEqual([
      { x: 0.001, y: 0.61, id: 'a', label: 'lr 1e-3' },
      { x: 0.01, y: 0.87, id: 'b', label: 'lr 0.01' },
      { x: 0.1, y: 0.89, id: 'c', label: 'lr 0.1' },
    ]);
    expect(data.colors).toEqual(['#0072B2', '#E69F00', '#009E73']);
    expect(data.missing).toBe(1);
  });

  it('puts a categorical x at its category index', () => {
    expect(scatterData(runs, opt, acc).points.map((p) => p.x)).toEqual([0, 1, 0]);
  });

  it('fades the points outside the brush', () => {
    const data = scatterData(runs, lr, acc);
    expect(pointColors(data, null)).toEqual(['#0072B2', '#E69F00', '#009E73']);
    expect(pointColors(data, new Set(['b']))).toEqual(['rgba(0, 114, 178, 0.16)', '#E69F00', 'rgba(0, 158, 115, 0.16)']);
  });
});

describe('scatter axes', () => {
  it('is log on x for learning rates, with a margin of 6% of the decades', () => {
    const r = scatterRange(lr);
    expect(r.type).toBe('logarithmic');
    expect(Math.log10(r.min)).toBeCloseTo(-3.12, 12);
    expect(Math.log10(r.max)).toBeCloseTo(-0.88, 12);
  });

  it('spans the categories with half a step each side', () => {
    expect(scatterRange(opt)).toEqual({ type: 'linear', min: -0.5, max: 1.5 });
  });

  it('pads a linear axis by 6% of its span', () => {
    const r = scatterRange(acc);
    expect(r.type).toBe('linear');
    expect(r.min).toBeCloseTo(0.61 - 0.0168, 12);
    expect(r.max).toBeCloseTo(0.89 + 0.0168, 12);
  });

  it('keeps an accuracy axis within 0% and 100%', () => {
    const high = axisFor(plotField('best_valid_accuracy')!, [0.8, 0.99]);
    const r = scatterRange(high);
    expect(r.min).toBeCloseTo(0.8 - 0.0114, 12);
    expect(r.max).toBe(1);
  });

  it('ticks the round values the parallel axis labels, never the padded ends', () => {
    // 3 and 30 epochs: Chart.js alone labelled 1.38, 20 and 31.6.
    const epochs = axisFor(plotField('epochs')!, [3, 30]);
    expect(scatterTickValues(epochs)).toEqual([10, 20, 30]);
    expect(scatterTickValues(epochs).map((v) => scatterTick(epochs, v))).toEqual(axisTicks(epochs).map((t) => t.label));
    expect(scatterTickValues(epochs).map((v) => scatterTick(epochs, v))).toEqual(['10', '20', '30']);
    expect(scatterTickValues(acc).map((v) => scatterTick(acc, v))).toEqual(axisTicks(acc).map((t) => t.label));
    expect(scatterTickValues(acc).map((v) => scatterTick(acc, v))).toEqual(['70.0%', '80.0%']);
    expect(scatterTickValues(lr)).toEqual([0.001, 0.01, 0.1]);
    expect(scatterTickValues(opt)).toEqual([0, 1]);
    // The options hand Chart.js exactly these ticks.
    const o = scatterOptions(epochs, acc, { text: '#111111', grid: '#eeeeee' });
    const scale = { ticks: [1.38, 10, 20, 31.62].map((value) => ({ value })) };
    (o.scales!['x'] as unknown as { afterBuildTicks: (s: typeof scale) => void }).afterBuildTicks(scale);
    expect(scale.ticks.map((t) => t.value)).toEqual([10, 20, 30]);
  });

  it('labels categories at whole indices and powers of ten on a log axis', () => {
    expect(scatterTick(opt, 0)).toBe('sgd');
    expect(scatterTick(opt, 0.5)).toBe('');
    expect(scatterTick(lr, 0.01)).toBe('0.01');
    expect(scatterTick(lr, 0.02)).toBe('');
    expect(scatterTick(acc, 0.8)).toBe('80.0%');
  });

  it('builds the options: log x titled so, a tooltip that names the run', () => {
    const o = scatterOptions(lr, acc, { text: '#111111', grid: '#eeeeee' });
    const x = o.scales!['x'] as { type: string; title: { text: string }; grid: { color: string } };
    const y = o.scales!['y'] as { type: string; title: { text: string } };
    expect(x.type).toBe('logarithmic');
    expect(x.title.text).toBe('Learning rate (log)');
    expect(x.grid.color).toBe('#eeeeee');
    expect(y.type).toBe('linear');
    expect(y.title.text).toBe('Best val acc');
    expect(o.plugins!.legend!.display).toBe(false);
    const point = scatterData(runs, lr, acc).points[1]!;
    expect(scatterTooltip(lr, acc, point)).toBe('lr 0.01: Learning rate 0.01, Best val acc 87.0%');
    expect(scatterTooltip(opt, acc, { ...point, x: 1 })).toBe('lr 0.01: Optimizer adam, Best val acc 87.0%');
  });
});
