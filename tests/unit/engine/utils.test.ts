/** camelToSnake, listify and callback names (fastai's helpers). */
import { describe, expect, it } from 'vitest';
import { Callback } from '../../../src/main/training/loop/callback';
import { AvgStatsCallback } from '../../../src/main/training/callbacks/avg-stats';
import { TrainEvalCallback } from '../../../src/main/training/callbacks/train-eval';
import { camelToSnake } from '../../../src/main/training/loop/camel-to-snake';
import { listify } from '../../../src/main/training/loop/listify';

describe('camelToSnake', () => {
  it.each([
    ['AvgStats', 'avg_stats'],
    ['TrainEval', 'train_eval'],
    ['Recorder', 'recorder'],
    ['ParamScheduler', 'param_scheduler'],
    ['HTTPServer', 'http_server'],
    ['getHTTPResponseCode', 'get_http_response_code'],
    ['already_snake', 'already_snake'],
    ['Layer2Norm', 'layer2_norm'],
    ['TerminateOnNaN', 'terminate_on_na_n'], // exactly what fastai's camel2snake gives
  ])('%s → %s', (input, expected) => {
    expect(camelToSnake(input)).toBe(expected);
  });
});

describe('listify', () => {
  it('turns nothing into an empty list', () => {
    expect(listify(undefined)).toEqual([]);
    expect(listify(null)).toEqual([]);
  });

  it('wraps a single value, a string included', () => {
    expect(listify(3)).toEqual([3]);
    expect(listify('abc')).toEqual(['abc']);
    const obj = { a: 1 };
    expect(listify(obj)).toEqual([obj]);
  });

  it('turns any iterable into a new array', () => {
    const arr = [1, 2];
    const out = listify(arr);
    expect(out).toEqual([1, 2]);
    expect(out).not.toBe(arr);
    expect(listify(new Set(['x', 'y']))).toEqual(['x', 'y']);
    function* gen() {
      yield 1;
      yield 2;
    }
    expect(listify(gen())).toEqual([1, 2]);
  });
});

describe('Callback.name', () => {
  it('is the class name without "Callback", in snake case', () => {
    expect(new AvgStatsCallback().name).toBe('avg_stats');
    expect(new TrainEvalCallback().name).toBe('train_eval');
    class LRFinderCallback extends Callback {}
    expect(new LRFinderCallback().name).toBe('lr_finder');
    class Plain extends Callback {}
    expect(new Plain().name).toBe('plain');
  });

  it('ignores the $1 suffix a bundler gives a renamed class', () => {
    const Renamed = { ['AvgStatsCallback$1']: class extends Callback {} }['AvgStatsCallback$1']!;
    expect(Renamed.name).toBe('AvgStatsCallback$1');
    expect(new Renamed().name).toBe('avg_stats');
  });

  it('has order 0 by default and complains when used before it joins a Runner', () => {
    class Lonely extends Callback {}
    const cb = new Lonely();
    expect(cb.order).toBe(0);
    expect(() => cb.runner).toThrow('Lonely is not attached to a Runner');
  });

  it('knows which hooks a subclass overrides', () => {
    class OnlyBatch extends Callback {
      override async after_batch() {}
    }
    const cb = new OnlyBatch();
    expect(cb.handles('after_batch')).toBe(true);
    expect(cb.handles('begin_fit')).toBe(false);
  });
});
