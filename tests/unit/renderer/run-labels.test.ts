/** Model labels in tables and headers: the MLP's sizes, and the CNN's filters when they are not the small CNN's. */
import { describe, expect, it } from 'vitest';
import { modelLabel, seedGroupLabel } from '../../../src/renderer/src/lib/run-labels';

describe('modelLabel', () => {
  it('names the MLP by its sizes and a CNN by its filters unless they are the default 8-16', () => {
    expect(modelLabel({ model: 'mlp', hidden: [100, 50] })).toBe('mlp 100-50');
    expect(modelLabel({ model: 'cnn', hidden: [50], filters: [8, 16] })).toBe('cnn');
    expect(modelLabel({ model: 'cnn', hidden: [50] })).toBe('cnn');
    expect(modelLabel({ model: 'cnn', hidden: [50], filters: [32, 64], batchNorm: 'on' })).toBe('cnn 32-64 +bn');
  });
});

describe('seedGroupLabel', () => {
  it('names a seed group by its runs’ shared name without the seed, else by its first run and how many more', () => {
    const r = (name: string, id = name || 'id') => ({ name, id });
    expect(seedGroupLabel([r('lr=0.1 seed=1'), r('lr=0.1 seed=2')])).toBe('lr=0.1');
    expect(seedGroupLabel([r('seed=1 lr=0.1 optimizer=adam'), r('seed=22 lr=0.1 optimizer=adam')])).toBe('lr=0.1 optimizer=adam');
    expect(seedGroupLabel([r('a'), r('b'), r('c')])).toBe('a + 2 more');
    expect(seedGroupLabel([r('seed=1'), r('seed=2')])).toBe('seed=1 + 1 more');
    expect(seedGroupLabel([r('', 'run-1'), r('', 'run-2')])).toBe('run-1 + 1 more');
  });
});
