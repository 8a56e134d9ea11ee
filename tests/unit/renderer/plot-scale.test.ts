import { describe, expect, it } from 'vitest';
import { plotField } from '../../../src/renderer/src/lib/plot-fields';
import {
  axisFor,
  axisPosition,
  axisTicks,
  axisValueAt,
  chooseScale,
  formatPlotValue,
  niceTicks,
  type NumericAxis,
} from '../../../src/renderer/src/lib/plot-scale';

const lr = plotField('lr')!;
const optimizer = plotField('optimizer')!;
const acc = plotField('best_valid_accuracy')!;

describe('chooseScale', () => {
  it('is log for positive values spanning two decades or more', () => {
    expect(chooseScale([0.001, 0.1])).toBe('log');
    expect(chooseScale([0.001, 0.05, 0.5])).toBe('log');
  });
  it('is linear below two decades, with a zero or negative value, or one value', () => {
    expect(chooseScale([0.01, 0.99])).toBe('linear');
    expect(chooseScale([0, 0.1, 10])).toBe('linear');
    expect(chooseScale([-1, 1000])).toBe('linear');
    expect(chooseScale([0.5])).toBe('linear');
  });
});

describe('axisFor', () => {
  it('makes a log axis for learning rates over three decades, counting the missing', () => {
    const axis = axisFor(lr, [0.001, 0.01, null, 1]);
    expect(axis).toEqual({
      key: 'lr',
      label: 'Learning rate',
      format: 'lr',
      missing: 1,
      kind: 'numeric',
      scale: 'log',
      min: 0.001,
      max: 1,
    });
    expect(axisPosition(axis, 0.001)).toBe(0);
    expect(axisPosition(axis, 1)).toBe(1);
    expect(axisPosition(axis, 0.01)).toBeCloseTo(1 / 3, 12);
    expect(axisPosition(axis, null)).toBeNull();
    expect(axisValueAt(axis, 2 / 3)).toBeCloseTo(0.1, 12);
    expect(axisTicks(axis)).toEqual([
      { pos: 0, label: '1e-3' },
      { pos: expect.closeTo(1 / 3, 12) as number, label: '0.01' },
      { pos: expect.closeTo(2 / 3, 12) as number, label: '0.1' },
      { pos: 1, label: '1' },
    ]);
  });

  it('makes a categorical axis in the options’ order', () => {
    const axis = axisFor(optimizer, ['adam', 'sgd', 'adam', null]);
    expect(axis).toMatchObject({ kind: 'category', categories: ['sgd', 'adam'], missing: 1 });
    expect(axisPosition(axis, 'sgd')).toBe(0);
    expect(axisPosition(axis, 'adam')).toBe(1);
    expect(axisPosition(axis, 'momentum')).toBeNull();
    expect(axisValueAt(axis, 0.5)).toBe(0.5);
    expect(axisTicks(axis)).toEqual([
      { pos: 0, label: 'sgd' },
      { pos: 1, label: 'adam' },
    ]);
  });

  it('sorts list values as people read them', () => {
    const axis = axisFor(plotField('hidden')!, ['100', '50', '100, 50']);
    expect(axis).toMatchObject({ categories: ['50', '100', '100, 50'] });
  });

  it('puts a single value in the middle of a small span', () => {
    const axis = axisFor(acc, [0.9, 0.9]) as NumericAxis;
    expect(axis.scale).toBe('linear');
    expect(axis.min).toBeCloseTo(0.855, 12);
    expect(axis.max).toBeCloseTo(0.945, 12);
    expect(axisPosition(axis, 0.9)).toBeCloseTo(0.5, 12);
  });

  it('has a 0–1 span and every run on the none mark when no run has a value', () => {
    const axis = axisFor(acc, [null, null]);
    expect(axis).toMatchObject({ kind: 'numeric', scale: 'linear', min: 0, max: 1, missing: 2 });
  });

  it('labels round values on a linear axis', () => {
    const axis = axisFor(acc, [0.8, 0.97]);
    expect(axisTicks(axis).map((t) => t.label)).toEqual(['80.0%', '85.0%', '90.0%', '95.0%']);
  });
});

describe('niceTicks and formatPlotValue', () => {
  it('steps by 1, 2, 2.5 or 5 × 10ⁿ', () => {
    expect(niceTicks(0, 1)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0.13, 0.91)).toEqual([0.2, 0.4, 0.6, 0.8]);
    expect(niceTicks(3, 3)).toEqual([3]);
  });
  it('formats by kind and says none for a missing value', () => {
    expect(formatPlotValue('lr', 0.003)).toBe('3e-3');
    expect(formatPlotValue('percent', 0.8712)).toBe('87.1%');
    expect(formatPlotValue('number', 0.123456)).toBe('0.123');
    expect(formatPlotValue('text', 'adam')).toBe('adam');
    expect(formatPlotValue('number', null)).toBe('none');
  });
});
