import * as tf from '@tensorflow/tfjs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../../src/shared/hyperparams';
import { DataError } from '../../../src/main/training/data/data-error';
import { loadDataBunch } from '../../../src/main/training/data/load';

let root: string;
let cacheDir: string;
beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
  root = await mkdtemp(join(tmpdir(), 'runlab-load-'));
  cacheDir = join(root, 'cache');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const config = (over: Partial<Hyperparams>): Hyperparams => ({ ...DEFAULT_HYPERPARAMS, ...over });

/** A headerless CSV of `rows` rows: label, then `features` numbers. */
async function csv(name: string, rows: number, features: number): Promise<string> {
  const lines = Array.from({ length: rows }, (_, i) => [i % 3, ...Array.from({ length: features }, (_, j) => (i * j) % 17)].join(','));
  const path = join(root, name);
  await writeFile(path, lines.join('\n'));
  return path;
}

describe('loadDataBunch', () => {
  it("builds fastai's get_dls for mnist-sample: shuffled train at bs, unshuffled valid at 2·bs, flat 784 for mlp", async () => {
    const data = await loadDataBunch(config({ batchSize: 64, seed: 3 }), { cacheDir });
    expect(data.c).toBe(10);
    expect(data.trainDl.dataset.shape).toEqual([784]);
    expect([data.trainDl.batchSize, data.trainDl.length, data.trainDl.shuffle, data.trainDl.seed]).toEqual([64, 125, true, 3]);
    expect([data.validDl.batchSize, data.validDl.length, data.validDl.shuffle]).toEqual([128, 16, false]);
    const { xb, yb } = data.trainDl[Symbol.iterator]().next().value!;
    expect(xb.shape).toEqual([64, 784]);
    expect(yb.dtype).toBe('int32');
    tf.dispose([xb, yb]);
  });

  it('gives the cnn 28×28×1 images, from mnist-sample and from a 784-feature CSV', async () => {
    const mnist = await loadDataBunch(config({ model: 'cnn' }), { cacheDir });
    expect(mnist.validDl.dataset.shape).toEqual([28, 28, 1]);
    const path = await csv('wide.csv', 20, 784);
    const data = await loadDataBunch(config({ dataset: 'csv', dataPath: path, model: 'cnn', batchSize: 4, validFraction: 0.25 }));
    expect(data.trainDl.dataset.shape).toEqual([28, 28, 1]);
    expect([data.trainDl.dataset.length, data.validDl.dataset.length, data.c]).toEqual([15, 5, 3]);
    expect(data.validDl.batchSize).toBe(8);
  });

  it('refuses the cnn on a CSV whose rows are not 784 features, naming the file', async () => {
    const path = await csv('narrow.csv', 10, 5);
    const err = await loadDataBunch(config({ dataset: 'csv', dataPath: path, model: 'cnn' })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toBe(
      `${path}: the cnn model needs images (or rows of 784 values, read as 28×28), but this data has 5 features per row; use the mlp model`,
    );
    const mlp = await loadDataBunch(config({ dataset: 'csv', dataPath: path, model: 'mlp' }));
    expect(mlp.trainDl.dataset.shape).toEqual([5]);
  });

  it('reports a missing data path or file for csv and idx', async () => {
    await expect(loadDataBunch(config({ dataset: 'csv', dataPath: '' }))).rejects.toThrow('Data path is required for the csv dataset');
    const missing = join(root, 'nothing.csv');
    await expect(loadDataBunch(config({ dataset: 'csv', dataPath: missing }))).rejects.toThrow(`File not found: ${missing}`);
    await expect(loadDataBunch(config({ dataset: 'idx', dataPath: missing }))).rejects.toThrow(`Folder not found: ${missing}`);
  });
});
