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

  it('one run differs from nothing; an unset data path shows as a dash', () => {
    const rows = diffConfigs([a]);
    expect(rows.every((r) => !r.differs)).toBe(true);
    expect(rows.find((r) => r.key === 'dataPath')?.values).toEqual(['—']);
  });
});
