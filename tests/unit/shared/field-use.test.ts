import { describe, expect, it } from 'vitest';
import { fieldUnusedBy } from '../../../src/shared/field-use';
import { DEFAULT_HYPERPARAMS, FIELDS, HyperparamsSchema } from '../../../src/shared/hyperparams';

const unused = (config: object) =>
  FIELDS.map((f) => [f.key, fieldUnusedBy(f.key, HyperparamsSchema.parse(config))] as const).filter(([, by]) => by !== null);

describe('fieldUnusedBy', () => {
  it('the default config (mnist-sample, mlp, sgd) leaves out exactly the fields those do not read', () => {
    expect(DEFAULT_HYPERPARAMS).toMatchObject({ dataset: 'mnist-sample', model: 'mlp', optimizer: 'sgd' });
    expect(unused({})).toEqual([
      ['dataPath', 'mnist-sample'],
      ['validFraction', 'mnist-sample'],
      ['imageSize', 'mnist-sample'],
      ['channels', 'mnist-sample'],
      ['skipBadFiles', 'mnist-sample'],
      ['filters', 'mlp'],
      ['momentum', 'sgd'],
    ]);
  });

  it('momentum applies to the momentum optimizer and to Adam (beta1), not to sgd', () => {
    expect(fieldUnusedBy('momentum', { optimizer: 'sgd' })).toBe('sgd');
    expect(fieldUnusedBy('momentum', { optimizer: 'momentum' })).toBeNull();
    expect(fieldUnusedBy('momentum', { optimizer: 'adam' })).toBeNull();
    expect(fieldUnusedBy('weightDecay', { optimizer: 'sgd' })).toBeNull();
    expect(fieldUnusedBy('lr', { optimizer: 'sgd' })).toBeNull();
  });

  it('hidden sizes belong to the mlp, conv filters to the cnn', () => {
    expect(fieldUnusedBy('hidden', { model: 'cnn' })).toBe('cnn');
    expect(fieldUnusedBy('filters', { model: 'cnn' })).toBeNull();
    expect(fieldUnusedBy('hidden', { model: 'mlp' })).toBeNull();
    expect(fieldUnusedBy('dropout', { model: 'cnn' })).toBeNull();
  });

  it('an image folder on a cnn with adam uses every field', () => {
    expect(unused({ dataset: 'images', dataPath: '/data/pets', model: 'cnn', optimizer: 'adam' })).toEqual([['hidden', 'cnn']]);
  });

  it('idx uses its path but not the validation fraction; csv uses both', () => {
    expect(fieldUnusedBy('dataPath', { dataset: 'idx' })).toBeNull();
    expect(fieldUnusedBy('validFraction', { dataset: 'idx' })).toBe('idx');
    expect(fieldUnusedBy('validFraction', { dataset: 'csv' })).toBeNull();
    expect(fieldUnusedBy('imageSize', { dataset: 'csv' })).toBe('csv');
  });

  it('a config without the deciding field, or with an odd value there, counts the field as used', () => {
    expect(fieldUnusedBy('momentum', {})).toBeNull();
    expect(fieldUnusedBy('momentum', { optimizer: 3 })).toBeNull();
    expect(fieldUnusedBy('unknownField', { optimizer: 'sgd' })).toBeNull();
  });
});
