import { describe, expect, it } from 'vitest';
import { differingHyperFields, HYPER_FIELDS, plotValues, plotValuesOf } from '../../../src/renderer/src/lib/plot-fields';
import { makeRun } from './run-fixtures';

const summary = (best: number | null, validLoss: number | null) => ({
  epochs: 3,
  iterations: 375,
  final: { train_loss: 0.25, train_accuracy: 0.9, valid_loss: validLoss, valid_accuracy: 0.91 },
  best_valid_accuracy: best,
  best_valid_loss: 0.3,
  best_epoch: 3,
  samples_per_second: 1000,
  stopped_by: null,
});

describe('plotValues', () => {
  it("reads a finished run's hyperparameters and results", () => {
    const v = plotValues(makeRun('a', { config: { lr: 0.03, optimizer: 'adam', hidden: [100, 50] }, summary: summary(0.93, 0.21) }));
    expect(v['lr']).toBe(0.03);
    expect(v['optimizer']).toBe('adam');
    expect(v['hidden']).toBe('100, 50');
    expect(v['model']).toBe('mlp');
    expect(v['best_valid_accuracy']).toBe(0.93);
    expect(v['final_valid_loss']).toBe(0.21);
    expect(v['final_valid_accuracy']).toBe(0.91);
    expect(v['final_train_loss']).toBe(0.25);
    // Free text (the data path) is no axis.
    expect('dataPath' in v).toBe(false);
  });

  it('gives null for a field the run does not use: momentum on sgd, conv filters on an MLP', () => {
    const sgd = plotValues(makeRun('s', { config: { optimizer: 'sgd', momentum: 0.9, filters: [32, 64] } }));
    expect(sgd['momentum']).toBeNull();
    expect(sgd['filters']).toBeNull();
    expect(sgd['hidden']).toBe('50');
    const cnn = plotValues(makeRun('c', { config: { model: 'cnn', optimizer: 'adam', momentum: 0.8 } }));
    expect(cnn['momentum']).toBe(0.8);
    expect(cnn['filters']).toBe('8, 16');
    expect(cnn['hidden']).toBeNull();
  });

  it('gives null, not NaN or undefined, for a run without results', () => {
    const v = plotValues(makeRun('b', { status: 'running', summary: null, progress: null }));
    expect(v['best_valid_accuracy']).toBeNull();
    expect(v['final_valid_loss']).toBeNull();
    expect(v['final_train_loss']).toBeNull();
  });

  it('takes a running run’s last epoch from its progress', () => {
    const run = makeRun('c', {
      status: 'running',
      progress: {
        iter: 200,
        total_iters: 375,
        epoch: 1.6,
        epochs: 3,
        best_valid_accuracy: 0.88,
        latest: { train_loss: 0.4, train_accuracy: 0.87, valid_loss: 0.38, valid_accuracy: 0.88 },
      },
    });
    expect(plotValues(run)['best_valid_accuracy']).toBe(0.88);
    expect(plotValues(run)['final_valid_loss']).toBe(0.38);
  });

  it('is made once per record', () => {
    const run = makeRun('d');
    expect(plotValuesOf(run)).toBe(plotValuesOf(run));
  });
});

describe('differingHyperFields', () => {
  it('lists only the fields whose values differ, in form order', () => {
    const runs = [
      makeRun('a', { config: { lr: 0.1, optimizer: 'sgd', seed: 1 } }),
      makeRun('b', { config: { lr: 0.01, optimizer: 'adam', seed: 1 } }),
      makeRun('c', { config: { lr: 0.01, optimizer: 'adam', seed: 1, hidden: [100] } }),
    ].map((r) => ({ values: plotValues(r) }));
    expect(differingHyperFields(runs).map((f) => f.key)).toEqual(['hidden', 'optimizer', 'lr']);
  });

  it('ignores the values a run does not use: momentum stored on sgd, filters on MLPs', () => {
    const runs = [
      makeRun('a', { config: { optimizer: 'sgd', momentum: 0.5, filters: [32, 64] } }),
      makeRun('b', { config: { optimizer: 'momentum', momentum: 0.9 } }),
      makeRun('c', { config: { optimizer: 'adam', momentum: 0.9 } }),
    ].map((r) => ({ values: plotValues(r) }));
    expect(differingHyperFields(runs).map((f) => f.key)).toEqual(['optimizer']);
    const used = [...runs, { values: plotValues(makeRun('d', { config: { optimizer: 'adam', momentum: 0.8 } })) }];
    expect(differingHyperFields(used).map((f) => f.key)).toEqual(['optimizer', 'momentum']);
  });

  it('marks choices and lists categorical, numbers numeric', () => {
    const byKey = new Map(HYPER_FIELDS.map((f) => [f.key, f]));
    expect(byKey.get('optimizer')).toMatchObject({ categorical: true, options: ['sgd', 'momentum', 'adam'] });
    expect(byKey.get('hidden')).toMatchObject({ categorical: true, format: 'text' });
    expect(byKey.get('lr')).toMatchObject({ categorical: false, format: 'lr' });
    expect(byKey.get('batchSize')).toMatchObject({ categorical: false, format: 'number' });
  });
});
