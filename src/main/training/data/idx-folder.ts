/**
 * loadIdxFolder: an MNIST-style folder (train-images/train-labels for training, t10k-images/
 * t10k-labels for validation), as shipped by MNIST, Fashion-MNIST (Debian's
 * dataset-fashion-mnist: /usr/share/datasets/fashion-mnist/) and KMNIST. Class names come
 * from a `classes.txt` in the folder (one per line), else "0", "1", ….
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { classNames } from './class-names';
import { DataError } from './data-error';
import type { DataSplit } from './dataset';
import { EXPECTED_SHAPE, readIdx, type IdxArray } from './idx';
import { pixelDataset, pixelStats } from './normalize';
import { assertFolder } from './read-data-file';

/** Optional: one class name per line, in label order. */
export const CLASSES_FILE = 'classes.txt';

/** Accepted names of one file, in lookup order: dash or dot before "idx", each plain or gzipped. */
function candidates(prefix: 'train' | 't10k', kind: 'images' | 'labels'): string[] {
  const idx = kind === 'images' ? 'idx3' : 'idx1';
  const bases = [`${prefix}-${kind}-${idx}-ubyte`, `${prefix}-${kind}.${idx}-ubyte`];
  return bases.flatMap((b) => [b, `${b}.gz`]);
}

async function findFile(dir: string, prefix: 'train' | 't10k', kind: 'images' | 'labels'): Promise<string> {
  const names = candidates(prefix, kind);
  for (const name of names) {
    const path = join(dir, name);
    try {
      await access(path);
      return path;
    } catch {
      // try the next spelling
    }
  }
  throw new DataError(`${dir}: no ${prefix} ${kind} file; looked for ${names.join(', ')}`, dir);
}

/** The four files of an IDX folder, read and checked, as bytes. */
export interface IdxFolder {
  trainImages: Uint8Array;
  trainLabels: Uint8Array;
  testImages: Uint8Array;
  testLabels: Uint8Array;
  rows: number;
  cols: number;
  /** Number of classes: the highest training label + 1. */
  c: number;
}

export async function readIdxFolder(dir: string): Promise<IdxFolder> {
  await assertFolder(dir);
  const [trainImagesPath, trainLabelsPath, testImagesPath, testLabelsPath] = await Promise.all([
    findFile(dir, 'train', 'images'),
    findFile(dir, 'train', 'labels'),
    findFile(dir, 't10k', 'images'),
    findFile(dir, 't10k', 'labels'),
  ]);
  const trainImages = checkImages(await readIdx(trainImagesPath, 'images'), trainImagesPath);
  const testImages = checkImages(await readIdx(testImagesPath, 'images'), testImagesPath);
  const trainLabels = checkLabels(await readIdx(trainLabelsPath, 'labels'), trainLabelsPath, trainImages, trainImagesPath);
  const testLabels = checkLabels(await readIdx(testLabelsPath, 'labels'), testLabelsPath, testImages, testImagesPath);
  const [, rows, cols] = trainImages.dims as [number, number, number];
  if (testImages.dims[1] !== rows || testImages.dims[2] !== cols) {
    throw new DataError(
      `${testImagesPath}: images are ${testImages.dims[1]}×${testImages.dims[2]}, expected ${rows}×${cols} like ${trainImagesPath}`,
      testImagesPath,
    );
  }
  const c = maxOf(trainLabels.data) + 1;
  const outside = testLabels.data.findIndex((label) => label >= c);
  if (outside >= 0) {
    throw new DataError(
      `${testLabelsPath}: label ${testLabels.data[outside]} at index ${outside} is outside the training labels' range 0–${c - 1}`,
      testLabelsPath,
    );
  }
  return {
    trainImages: trainImages.data,
    trainLabels: trainLabels.data,
    testImages: testImages.data,
    testLabels: testLabels.data,
    rows,
    cols,
    c,
  };
}

export async function loadIdxFolder(dir: string): Promise<DataSplit> {
  const idx = await readIdxFolder(dir);
  const stats = pixelStats(idx.trainImages);
  const shape = [idx.rows, idx.cols, 1];
  const classes = await classNames(join(dir, CLASSES_FILE), idx.c);
  return {
    train: pixelDataset(idx.trainImages, Int32Array.from(idx.trainLabels), shape, [stats]),
    valid: pixelDataset(idx.testImages, Int32Array.from(idx.testLabels), shape, [stats]),
    c: classes.length,
    classes,
    image: { height: idx.rows, width: idx.cols, channels: 1, mean: [stats.mean], std: [stats.std] },
  };
}

function checkImages(arr: IdxArray, path: string): IdxArray {
  if (arr.dims.length !== 3) {
    throw new DataError(`${path}: expected ${EXPECTED_SHAPE.images}, found ${arr.dims.length}`, path);
  }
  if (arr.dims[0] === 0) throw new DataError(`${path}: the file holds no images`, path);
  return arr;
}

function checkLabels(arr: IdxArray, path: string, images: IdxArray, imagesPath: string): IdxArray {
  if (arr.dims.length !== 1) {
    throw new DataError(`${path}: expected ${EXPECTED_SHAPE.labels}, found ${arr.dims.length}`, path);
  }
  if (arr.dims[0] !== images.dims[0]) {
    throw new DataError(`${path}: ${arr.dims[0]} labels, but ${imagesPath} holds ${images.dims[0]} images`, path);
  }
  return arr;
}

function maxOf(a: Uint8Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) if (a[i]! > m) m = a[i]!;
  return m;
}
