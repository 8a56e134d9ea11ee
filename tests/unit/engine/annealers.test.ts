/** The 05_anneal schedules, checked against values worked out by hand. */
import { describe, expect, it } from 'vitest';
import { combineScheds, schedCos, schedExp, schedLin, schedNo } from '../../../src/main/training/optim/annealers';

describe('annealers', () => {
  it('schedLin goes in a straight line from start to end', () => {
    const f = schedLin(1, 3);
    expect([f(0), f(0.25), f(0.5), f(1)]).toEqual([1, 1.5, 2, 3]);
  });

  it('schedCos follows half a cosine: start + (1 + cos(π(1 − p)))(end − start)/2', () => {
    const f = schedCos(1, 3);
    expect(f(0)).toBeCloseTo(1, 12);
    expect(f(0.25)).toBeCloseTo(1.2928932188134525, 12); // 1 + (1 − √2/2)
    expect(f(0.5)).toBeCloseTo(2, 12);
    expect(f(1)).toBeCloseTo(3, 12);
  });

  it('schedExp is geometric: start · (end/start)^p', () => {
    const f = schedExp(1, 100);
    expect(f(0)).toBe(1);
    expect(f(0.25)).toBeCloseTo(3.1622776601683795, 12);
    expect(f(0.5)).toBeCloseTo(10, 12);
    expect(f(1)).toBeCloseTo(100, 12);
  });

  it('schedNo stays at start', () => {
    const f = schedNo(2, 5);
    expect([f(0), f(0.7), f(1)]).toEqual([2, 2, 2]);
  });
});

describe('combineScheds', () => {
  // The notebook's example: 30% cosine up from 0.3 to 0.6, then 70% cosine down to 0.2.
  const sched = combineScheds([0.3, 0.7], [schedCos(0.3, 0.6), schedCos(0.6, 0.2)]);

  it('runs each schedule over its share, each from 0 to 1', () => {
    expect(sched(0)).toBeCloseTo(0.3, 12);
    expect(sched(0.15)).toBeCloseTo(0.45, 12); // halfway through the first
    expect(sched(0.3)).toBeCloseTo(0.6, 12); // start of the second
    expect(sched(0.65)).toBeCloseTo(0.4, 12); // halfway through the second
    expect(sched(1)).toBeCloseTo(0.2, 12); // clamped to the last schedule's end
  });

  it('refuses shares that do not add up to 1 or do not match the schedules', () => {
    expect(() => combineScheds([0.3, 0.6], [schedNo(1), schedNo(1)])).toThrow('add up to 1');
    expect(() => combineScheds([1], [schedNo(1), schedNo(1)])).toThrow('one share per schedule');
    expect(() => combineScheds([1.5, -0.5], [schedNo(1), schedNo(1)])).toThrow('≥ 0');
  });
});
