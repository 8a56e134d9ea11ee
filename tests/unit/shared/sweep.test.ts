/**
 * Sweeps: the text a person types for a swept field becomes the values the form and
 * `runlab sweep` queue, and a set of swept fields becomes the same runs in the same order.
 */
import { describe, expect, it } from 'vitest';
import { expandSweep, gridSize, parseSweepValues, rangeValues, sweepLabel } from '../../../src/shared/sweep';

describe('parseSweepValues', () => {
  it('reads a list, dropping repeats', () => {
    expect(parseSweepValues('lr', '0.1, 0.5,0.1')).toEqual([0.1, 0.5]);
    expect(parseSweepValues('optimizer', 'sgd, adam')).toEqual(['sgd', 'adam']);
    expect(parseSweepValues('hidden', '100,50; 200')).toEqual([[100, 50], [200]]);
  });

  it('reads a range with a count, linear or log, rounded to 6 digits', () => {
    expect(parseSweepValues('lr', '0.1:0.3:3')).toEqual([0.1, 0.2, 0.3]);
    expect(parseSweepValues('lr', '0.01:1:3 log')).toEqual([0.01, 0.1, 1]);
    expect(parseSweepValues('epochs', '1:4:3')).toEqual([1, 3, 4]);
    expect(rangeValues(2, 5, 1)).toEqual([2]);
  });

  it('names what is wrong', () => {
    expect(() => parseSweepValues('lr', '0.1, x')).toThrow('"x" is not a number (Learning rate)');
    expect(() => parseSweepValues('lr', ' ')).toThrow('Learning rate: give the values to sweep, e.g. 0.1, 0.5 or 0.01:1:5');
    expect(() => parseSweepValues('lr', '0:1:3 log')).toThrow('Learning rate: a log range needs values above 0');
    expect(() => parseSweepValues('lr', '0.1:1:500')).toThrow('Learning rate: a range needs a count from 1 to 100');
  });
});

describe('expandSweep', () => {
  const axes = [
    { field: 'lr' as const, values: [0.1, 0.5] },
    { field: 'seed' as const, values: [1, 2] },
  ];

  it('makes every combination, the last field changing fastest', () => {
    expect(gridSize(axes)).toBe(4);
    expect(expandSweep(axes).map(sweepLabel)).toEqual(['lr=0.1 seed=1', 'lr=0.1 seed=2', 'lr=0.5 seed=1', 'lr=0.5 seed=2']);
  });

  it('draws distinct combinations at random, the same for the same seed', () => {
    const drawn = expandSweep(axes, 'random', 3, 7);
    expect(drawn).toHaveLength(3);
    expect(new Set(drawn.map(sweepLabel)).size).toBe(3);
    expect(expandSweep(axes, 'random', 3, 7)).toEqual(drawn);
    expect(expandSweep(axes, 'random', 10, 7)).toHaveLength(4);
  });
});
