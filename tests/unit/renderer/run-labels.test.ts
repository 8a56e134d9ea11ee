/** Model labels in tables and headers: the MLP's sizes, and the CNN's filters when they are not the small CNN's. */
import { describe, expect, it } from 'vitest';
import { modelLabel } from '../../../src/renderer/src/lib/run-labels';

describe('modelLabel', () => {
  it('names the MLP by its sizes and a CNN by its filters unless they are the default 8-16', () => {
    expect(modelLabel({ model: 'mlp', hidden: [100, 50] })).toBe('mlp 100-50');
    expect(modelLabel({ model: 'cnn', hidden: [50], filters: [8, 16] })).toBe('cnn');
    expect(modelLabel({ model: 'cnn', hidden: [50] })).toBe('cnn');
    expect(modelLabel({ model: 'cnn', hidden: [50], filters: [32, 64], batchNorm: 'on' })).toBe('cnn 32-64 +bn');
  });
});
