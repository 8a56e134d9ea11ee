/**
 * loadDataBunch: the run config's data, as fastai's get_dls builds it: a shuffled train
 * loader (batchSize, seeded by config.seed) and an unshuffled valid loader (2 × batchSize).
 * Samples are flat for the mlp model and [height, width, channels] images for the cnn.
 */
import type { Hyperparams } from '../../../shared/hyperparams';
import { loadCsv } from './csv';
import { DataBunch } from './data-bunch';
import { DataError } from './data-error';
import { DataLoader } from './data-loader';
import type { DataSplit } from './dataset';
import { loadIdxFolder } from './idx-folder';
import { loadImageFolder } from './image-folder';
import { defaultCacheDir, loadMnistSample, type MnistSampleOptions } from './mnist-sample';

export interface LoadOptions extends MnistSampleOptions {
  /** Image folders: files decoded so far of all, while decoding (a cached load reports nothing). */
  onProgress?: (done: number, total: number) => void;
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
    { classes: split.classes, image: split.image, skipped: split.skipped },
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
    case 'images':
      return loadImageFolder(requirePath(config), {
        imageSize: config.imageSize,
        channels: config.channels,
        validFraction: config.validFraction,
        seed: config.seed,
        skipBadFiles: config.skipBadFiles === 'on',
        cacheDir: options.cacheDir ?? defaultCacheDir(),
        onProgress: options.onProgress,
      });
  }
}

function requirePath(config: Hyperparams): string {
  const path = config.dataPath.trim();
  if (path === '') throw new DataError(`Data path is required for the ${config.dataset} dataset`, path);
  return path;
}

/** The per-sample shape the model gets: flat for the mlp; images for the cnn (a 784-feature CSV row is a 28×28 image). */
function sampleShape(config: Hyperparams, split: DataSplit): number[] {
  const size = split.train.sampleSize;
  if (config.model === 'mlp') return [size];
  if (split.train.shape.length === 3) return split.train.shape;
  if (size === 28 * 28) return [28, 28, 1];
  throw new DataError(
    `${config.dataPath}: the cnn model needs images (or rows of 784 values, read as 28×28), but this data has ${size} features per row; use the mlp model`,
    config.dataPath,
  );
}
