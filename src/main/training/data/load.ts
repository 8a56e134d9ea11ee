/**
 * loadDataBunch: the run config's data, as fastai's get_dls builds it: a shuffled train
 * loader (batchSize, seeded by config.seed) and an unshuffled valid loader (2 × batchSize).
 * Samples are [784] for the mlp model and [28, 28, 1] for the cnn.
 */
import type { Hyperparams } from '../../../shared/hyperparams';
import { loadCsv } from './csv';
import { DataBunch } from './data-bunch';
import { DataError } from './data-error';
import { DataLoader } from './data-loader';
import type { DataSplit } from './dataset';
import { loadIdxFolder } from './idx-folder';
import { loadMnistSample, type MnistSampleOptions } from './mnist-sample';

export interface LoadOptions extends MnistSampleOptions {
  /** This config's data, already loaded (a warm trainer's prepared dataset): used instead of loading it. */
  split?: DataSplit;
}

export async function loadDataBunch(config: Hyperparams, options: LoadOptions = {}): Promise<DataBunch> {
  const split = options.split ?? (await loadSplit(config, options));
  const shape = sampleShape(config, split);
  const train = split.train.withShape(shape);
  const valid = split.valid.withShape(shape);
  return new DataBunch(
    new DataLoader(train, { batchSize: config.batchSize, shuffle: true, seed: config.seed }),
    new DataLoader(valid, { batchSize: 2 * config.batchSize, shuffle: false }),
    split.c,
  );
}

/** The normalized train/valid datasets of the configured source, in the source's own shape. */
export async function loadSplit(config: Hyperparams, options: LoadOptions = {}): Promise<DataSplit> {
  switch (config.dataset) {
    case 'mnist-sample':
      return loadMnistSample(options);
    case 'idx':
      return loadIdxFolder(requirePath(config));
    case 'csv':
      return loadCsv(requirePath(config), { validFraction: config.validFraction, seed: config.seed });
  }
}

function requirePath(config: Hyperparams): string {
  const path = config.dataPath.trim();
  if (path === '') throw new DataError(`Data path is required for the ${config.dataset} dataset`, path);
  return path;
}

function sampleShape(config: Hyperparams, split: DataSplit): number[] {
  const size = split.train.sampleSize;
  if (config.model === 'mlp') return [size];
  if (size === 28 * 28) return [28, 28, 1];
  const what = split.train.shape.length === 3 ? `${split.train.shape[0]}×${split.train.shape[1]} images` : `${size} features per row`;
  throw new DataError(
    `${config.dataPath}: the cnn model needs 28×28 images (784 values per sample), but this data has ${what}; use the mlp model`,
    config.dataPath,
  );
}
