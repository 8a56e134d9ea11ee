/** The run-config schema: the notebook's defaults, and errors that name the field. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS, FIELDS, PRESETS, validateHyperparams } from '../../../src/shared/hyperparams';

describe('hyperparameter schema', () => {
  it('defaults to the lesson-9 job: MLP with 50 hidden units, batch 64, SGD at lr 0.5, mnist-sample', () => {
    expect(DEFAULT_HYPERPARAMS).toMatchObject({
      dataset: 'mnist-sample',
      model: 'mlp',
      hidden: [50],
      batchSize: 64,
      optimizer: 'sgd',
      lr: 0.5,
      backend: 'auto',
    });
    expect(FIELDS.map((f) => f.key)).toEqual(Object.keys(DEFAULT_HYPERPARAMS));
  });

  it('names each bad field with what is expected', () => {
    const result = validateHyperparams({ lr: -1, batchSize: 0, seed: 1.5, optimizer: 'rmsprop' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toEqual([
      { field: 'batchSize', message: 'Batch size must be at least 1' },
      { field: 'optimizer', message: 'Optimizer must be one of: sgd, momentum, adam' },
      { field: 'lr', message: 'Learning rate must be greater than 0' },
      { field: 'seed', message: 'Seed must be a whole number' },
    ]);
  });

  it('refuses unknown fields by name', () => {
    const result = validateHyperparams({ learningRate: 0.1 });
    expect(result).toEqual({ ok: false, errors: [{ field: 'learningRate', message: 'Unknown field(s): learningRate' }] });
  });

  it('requires a data path for idx and csv, reported together with type errors in other fields', () => {
    const result = validateHyperparams({ dataset: 'csv', hidden: 'x' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toContainEqual({ field: 'dataPath', message: 'Data path is required for the csv dataset' });
    expect(result.errors).toContainEqual({ field: 'hidden', message: 'Hidden sizes must be a list of whole numbers' });
    expect(validateHyperparams({ dataset: 'csv', dataPath: 'digits.csv' }).ok).toBe(true);
  });

  it("takes the CNN's two filter counts (8,16 by default; the cnn-wide preset 32,64) and refuses any other number of them", () => {
    expect(DEFAULT_HYPERPARAMS.filters).toEqual([8, 16]);
    expect(PRESETS.find((p) => p.id === 'cnn-wide')?.config).toMatchObject({ model: 'cnn', filters: [32, 64] });
    expect(validateHyperparams({ filters: [32, 64] }).ok).toBe(true);
    expect(validateHyperparams({ filters: [8] })).toEqual({
      ok: false,
      errors: [{ field: 'filters', message: 'Conv filters needs at least 2 size(s)' }],
    });
    expect(validateHyperparams({ filters: [8, 0] })).toEqual({
      ok: false,
      errors: [{ field: 'filters.1', message: 'Conv filters: each size must be at least 1' }],
    });
  });
});
