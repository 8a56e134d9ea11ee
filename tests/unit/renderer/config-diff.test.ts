import { describe, expect, it } from 'vitest';
import { FIELDS } from '../../../src/shared/hyperparams';
import { diffConfigs } from '../../../src/renderer/src/lib/config-diff';
import { makeRun } from './run-fixtures';

describe('diffConfigs', () => {
  const a = makeRun('a', { config: { lr: 0.5, hidden: [100, 50] } });
  const b = makeRun('b', { config: { lr: 0.003, hidden: [100, 50] }, backend: 'cpu', device: 'cpu' });

  it('has one row per config field in form order, then the backend and device used', () => {
    const rows = diffConfigs([a, b]);
    expect(rows.map((r) => r.key)).toEqual([...FIELDS.map((f) => f.key), 'backendUsed', 'device']);
  });

  it('marks exactly the rows whose values differ', () => {
    const rows = diffConfigs([a, b]);
    const differing = rows.filter((r) => r.differs).map((r) => r.key);
    expect(differing).toEqual(['lr', 'backendUsed', 'device']);
    const lr = rows.find((r) => r.key === 'lr');
    expect(lr?.values).toEqual(['0.5', '3e-3']);
  });

  it('compares lists by value and shows them comma-separated', () => {
    const hidden = diffConfigs([a, b]).find((r) => r.key === 'hidden');
    expect(hidden).toMatchObject({ differs: false, values: ['100, 50', '100, 50'] });
    const c = makeRun('c', { config: { hidden: [100] } });
    expect(diffConfigs([a, c]).find((r) => r.key === 'hidden')?.differs).toBe(true);
  });

  it('one run differs from nothing; a csv run shows its data path', () => {
    const rows = diffConfigs([a]);
    expect(rows.every((r) => !r.differs)).toBe(true);
    const csv = makeRun('csv', { config: { dataset: 'csv', dataPath: '/data/iris.csv' } });
    expect(diffConfigs([csv]).find((r) => r.key === 'dataPath')).toMatchObject({ values: ['/data/iris.csv'], unused: [null] });
  });

  it('a field the run does not use reads "not used", keeps its stored value and differs from no other unused value', () => {
    const sgd = makeRun('s', { config: { optimizer: 'sgd', momentum: 0.9 } });
    const sgd2 = makeRun('s2', { config: { optimizer: 'sgd', momentum: 0.5 } });
    const momentum = diffConfigs([sgd, sgd2]).find((r) => r.key === 'momentum')!;
    expect(momentum).toMatchObject({ values: ['— (not used by sgd)', '— (not used by sgd)'], unused: ['0.9', '0.5'], differs: false });
    const adam = makeRun('ad', { config: { optimizer: 'adam', momentum: 0.9 } });
    expect(diffConfigs([sgd, adam]).find((r) => r.key === 'momentum')).toMatchObject({
      values: ['— (not used by sgd)', '0.9'],
      unused: ['0.9', null],
      differs: true,
    });
    const cnn = makeRun('c', { config: { model: 'cnn', filters: [32, 64], hidden: [100] } });
    const rows = diffConfigs([a, cnn]);
    expect(rows.find((r) => r.key === 'filters')).toMatchObject({ values: ['— (not used by mlp)', '32, 64'], unused: ['8, 16', null] });
    expect(rows.find((r) => r.key === 'hidden')).toMatchObject({ values: ['100, 50', '— (not used by cnn)'], unused: [null, '100'] });
    expect(rows.find((r) => r.key === 'dataPath')).toMatchObject({
      values: ['— (not used by mnist-sample)', '— (not used by mnist-sample)'],
    });
  });
});
