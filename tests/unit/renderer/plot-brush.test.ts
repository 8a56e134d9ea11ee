import { describe, expect, it } from 'vitest';
import {
  brushBetween,
  brushedIds,
  brushFromPositions,
  brushSpan,
  describeBrush,
  inBrush,
  matchesAxisBrush,
  withAxisBrush,
  type PlotBrush,
} from '../../../src/renderer/src/lib/plot-brush';
import { plotField } from '../../../src/renderer/src/lib/plot-fields';
import { axisFor } from '../../../src/renderer/src/lib/plot-scale';

const runs = [
  { id: 'a', values: { lr: 0.001, optimizer: 'sgd', best_valid_accuracy: 0.61 } },
  { id: 'b', values: { lr: 0.01, optimizer: 'adam', best_valid_accuracy: 0.87 } },
  { id: 'c', values: { lr: 0.1, optimizer: 'sgd', best_valid_accuracy: 0.89 } },
  { id: 'd', values: { lr: 1, optimizer: 'adam', best_valid_accuracy: null } },
];
const lrAxis = axisFor(
  plotField('lr')!,
  runs.map((r) => r.values.lr),
);
const optAxis = axisFor(
  plotField('optimizer')!,
  runs.map((r) => r.values.optimizer),
);

describe('the brush predicate', () => {
  it('holds a value inside a range, ends included; never a missing one', () => {
    const b = { kind: 'range', min: 0.01, max: 0.1 } as const;
    expect(matchesAxisBrush(b, 0.01)).toBe(true);
    expect(matchesAxisBrush(b, 0.1)).toBe(true);
    expect(matchesAxisBrush(b, 0.0099)).toBe(false);
    expect(matchesAxisBrush(b, null)).toBe(false);
    expect(matchesAxisBrush({ kind: 'categories', values: ['adam'] }, 'adam')).toBe(true);
    expect(matchesAxisBrush({ kind: 'categories', values: ['adam'] }, 'sgd')).toBe(false);
  });

  it('combines axes with AND; no brush lets every run in (null)', () => {
    const brush: PlotBrush = { lr: { kind: 'range', min: 0.005, max: 2 }, optimizer: { kind: 'categories', values: ['adam'] } };
    expect([...brushedIds(runs, brush)!]).toEqual(['b', 'd']);
    expect(inBrush(runs[2]!.values, brush)).toBe(false);
    expect(brushedIds(runs, {})).toBeNull();
  });

  it('leaves out a run without a value on a brushed metric', () => {
    expect([...brushedIds(runs, { best_valid_accuracy: { kind: 'range', min: 0.5, max: 1 } })!]).toEqual(['a', 'b', 'c']);
  });
});

describe('brushes from drags', () => {
  it('turns positions on a log axis into a value range', () => {
    const b = brushFromPositions(lrAxis, 2 / 3, 1 / 3);
    expect(b).toMatchObject({ kind: 'range' });
    if (b?.kind !== 'range') throw new Error('range expected');
    expect(b.min).toBeCloseTo(0.01, 12);
    expect(b.max).toBeCloseTo(0.1, 12);
    expect(brushFromPositions(lrAxis, -0.5, 2)).toEqual({ kind: 'range', min: 0.001, max: 1 });
  });

  it('picks the categories a drag covers, none when it covers none', () => {
    expect(brushFromPositions(optAxis, 0.9, 1.2)).toEqual({ kind: 'categories', values: ['adam'] });
    expect(brushFromPositions(optAxis, -0.1, 1)).toEqual({ kind: 'categories', values: ['sgd', 'adam'] });
    expect(brushFromPositions(optAxis, 0.2, 0.8)).toBeNull();
    expect(brushBetween(optAxis, 0.5, 1.4)).toEqual({ kind: 'categories', values: ['adam'] });
  });

  it('is drawn at its values’ positions; categories half a step past their ends', () => {
    expect(brushSpan(lrAxis, { kind: 'range', min: 0.001, max: 0.1 })).toEqual({ from: 0, to: expect.closeTo(2 / 3, 12) as number });
    expect(brushSpan(optAxis, { kind: 'categories', values: ['adam'] })).toEqual({ from: 0.5, to: 1 });
    expect(brushSpan(lrAxis, { kind: 'categories', values: ['adam'] })).toBeNull();
  });
});

describe('describing and editing', () => {
  it('reads as the field and its range or categories', () => {
    expect(describeBrush('Learning rate', 'lr', { kind: 'range', min: 0.003, max: 0.1 })).toBe('Learning rate 3e-3–0.1');
    expect(describeBrush('Learning rate', 'lr', { kind: 'range', min: 0.0019834, max: 0.019951 })).toBe('Learning rate 1.98e-3–0.02');
    expect(describeBrush('Best val acc', 'percent', { kind: 'range', min: 0.82712, max: 0.93149 })).toBe('Best val acc 82.7%–93.1%');
    expect(describeBrush('Optimizer', 'text', { kind: 'categories', values: ['sgd', 'adam'] })).toBe('Optimizer: sgd, adam');
  });

  it('sets and removes one axis, leaving the others', () => {
    const one = withAxisBrush({}, 'lr', { kind: 'range', min: 0.01, max: 0.1 });
    const two = withAxisBrush(one, 'optimizer', { kind: 'categories', values: ['adam'] });
    expect(Object.keys(two)).toEqual(['lr', 'optimizer']);
    expect(withAxisBrush(two, 'lr', null)).toEqual({ optimizer: { kind: 'categories', values: ['adam'] } });
    expect(Object.keys(one)).toEqual(['lr']);
  });
});
