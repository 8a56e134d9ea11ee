/**
 * Image-folder datasets: real PNG / JPEG / WebP files written by the test and decoded by
 * sharp — layouts, sizes and channels, the seeded stratified split, train-statistics
 * normalization, the cache, broken files, and what is refused before a run.
 */
import { mkdir, mkdtemp, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../../src/shared/hyperparams';
import { dataPathProblem } from '../../../src/main/training/data/check-data-path';
import { DataError } from '../../../src/main/training/data/data-error';
import { loadImageFolder, type ImageFolderOptions } from '../../../src/main/training/data/image-folder';
import { loadDataBunch } from '../../../src/main/training/data/load';
import { writeImageFolder } from '../../helpers/image-folders';

let root: string;
let cacheDir: string;
let grey: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runlab-images-'));
  cacheDir = join(root, 'cache');
  grey = join(root, 'grey');
  await writeImageFolder(grey, { classes: ['stripes-h', 'stripes-v', 'square'], perClass: 20 });
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const options = (over: Partial<ImageFolderOptions> = {}): ImageFolderOptions => ({
  imageSize: 'auto',
  channels: 'auto',
  validFraction: 0.25,
  seed: 7,
  skipBadFiles: false,
  cacheDir,
  ...over,
});

const counts = (labels: Int32Array, c: number): number[] => {
  const out = new Array<number>(c).fill(0);
  for (const l of labels) out[l]!++;
  return out;
};

function meanStd(x: Float32Array): [number, number] {
  let sum = 0;
  let sq = 0;
  for (const v of x) {
    sum += v;
    sq += v * v;
  }
  const mean = sum / x.length;
  return [mean, Math.sqrt(sq / x.length - mean * mean)];
}

describe('loadImageFolder', () => {
  it('reads one folder per class: names sorted, 28×28 grey kept as is, a stratified split of every class', async () => {
    const data = await loadImageFolder(grey, options({ cacheDir: join(root, 'cache-a') }));
    expect(data.classes).toEqual(['square', 'stripes-h', 'stripes-v']);
    expect(data.c).toBe(3);
    expect(data.train.shape).toEqual([28, 28, 1]);
    expect(counts(data.valid.y, 3)).toEqual([5, 5, 5]);
    expect(counts(data.train.y, 3)).toEqual([15, 15, 15]);
    expect(data.from).toBe('decoded');
    expect(data.skipped).toEqual({ count: 0, first: [] });
  });

  it('normalizes with the train statistics: train is mean 0 / std 1, and the same numbers are recorded for prediction', async () => {
    const data = await loadImageFolder(grey, options());
    const [mean, std] = meanStd(data.train.x);
    expect(mean).toBeCloseTo(0, 4);
    expect(std).toBeCloseTo(1, 4);
    expect(data.image).toMatchObject({ width: 28, height: 28, channels: 1 });
    expect(data.image!.mean).toHaveLength(1);
    expect(data.image!.mean[0]!).toBeGreaterThan(0.1);
    // Valid is scaled with train's numbers, so its mean is near but not exactly 0.
    expect(Math.abs(meanStd(data.valid.x)[0])).toBeLessThan(0.3);
  });

  it('splits by the seed: the same seed gives the same valid set, another seed another one', async () => {
    const a = await loadImageFolder(grey, options({ seed: 1 }));
    const b = await loadImageFolder(grey, options({ seed: 1 }));
    const c = await loadImageFolder(grey, options({ seed: 2 }));
    expect(Array.from(b.valid.x.subarray(0, 2000))).toEqual(Array.from(a.valid.x.subarray(0, 2000)));
    expect(Array.from(c.valid.x.subarray(0, 2000))).not.toEqual(Array.from(a.valid.x.subarray(0, 2000)));
  });

  it('keeps train/ and valid/ folders as the split', async () => {
    const dir = join(root, 'split');
    await writeImageFolder(dir, { classes: ['square', 'diagonal'], perClass: 10, valid: 3 });
    const data = await loadImageFolder(dir, options({ validFraction: 0.5 }));
    expect(data.scan.layout).toBe('train-valid');
    expect(data.classes).toEqual(['diagonal', 'square']);
    expect([data.train.length, data.valid.length]).toEqual([14, 6]);
    expect(counts(data.valid.y, 2)).toEqual([3, 3]);
  });

  it('decodes RGB JPEG of another size to 32×32×3 for auto, normalized per channel; 64 and grey when asked', async () => {
    const dir = join(root, 'rgb');
    await writeImageFolder(dir, { classes: ['square', 'diagonal'], perClass: 6, width: 40, height: 30, channels: 3, format: 'jpeg' });
    const auto = await loadImageFolder(dir, options());
    expect(auto.train.shape).toEqual([32, 32, 3]);
    expect(auto.image!.mean).toHaveLength(3);
    expect(auto.image!.std).toHaveLength(3);
    // Red is the brightest channel of these patterns, blue the dimmest.
    expect(auto.image!.mean[0]!).toBeGreaterThan(auto.image!.mean[2]!);
    const big = await loadImageFolder(dir, options({ imageSize: '64', channels: 'grey' }));
    expect(big.train.shape).toEqual([64, 64, 1]);
    const webp = join(root, 'webp');
    await writeImageFolder(webp, { classes: ['square', 'diagonal'], perClass: 4, format: 'webp' });
    expect((await loadImageFolder(webp, options())).train.shape).toEqual([28, 28, 1]);
  });

  it('names a file that cannot be decoded in one line and fails; with skipBadFiles it leaves it out and says so', async () => {
    const dir = join(root, 'broken');
    await writeImageFolder(dir, { classes: ['square', 'diagonal'], perClass: 8 });
    const bad = join(dir, 'square', 'zz-broken.png');
    await writeFile(bad, 'this is not a PNG');
    const err = await loadImageFolder(dir, options()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).message).toBe(
      `${bad}: cannot decode the image (Input file contains unsupported image format); fix or remove it, or turn on "Skip undecodable files" (--skip-bad-files on)`,
    );
    expect((err as DataError).message).not.toContain('\n');
    const data = await loadImageFolder(dir, options({ skipBadFiles: true }));
    expect(data.train.length + data.valid.length).toBe(16);
    expect(data.skipped).toEqual({ count: 1, first: [{ file: bad, reason: 'Input file contains unsupported image format' }] });
    // The cache remembers the bad file: a later run that does not allow skipping still refuses.
    await expect(loadImageFolder(dir, options())).rejects.toThrow(`${bad}: cannot decode the image`);
  });

  it('decodes once and reads the cache after; a changed file makes it decode again', async () => {
    const dir = join(root, 'cached');
    const [squares] = await writeImageFolder(dir, { classes: ['square', 'diagonal'], perClass: 6 });
    const own = join(root, 'cache-c');
    const progress: [number, number][] = [];
    const first = await loadImageFolder(dir, options({ cacheDir: own, onProgress: (d, t) => progress.push([d, t]) }));
    expect(first.from).toBe('decoded');
    expect(progress[0]).toEqual([0, 12]);
    expect(progress.at(-1)).toEqual([12, 12]);
    progress.length = 0;
    const second = await loadImageFolder(dir, options({ cacheDir: own, onProgress: (d, t) => progress.push([d, t]) }));
    expect(second.from).toBe('cache');
    expect(progress).toEqual([]);
    expect(Array.from(second.train.x)).toEqual(Array.from(first.train.x));
    const later = new Date(Date.now() + 5000);
    await utimes(squares![0]!, later, later);
    expect((await loadImageFolder(dir, options({ cacheDir: own }))).from).toBe('decoded');
  });

  it('gives the cnn [size, size, channels] images and the mlp flat vectors', async () => {
    const config = (over: Partial<Hyperparams>): Hyperparams => ({ ...DEFAULT_HYPERPARAMS, dataset: 'images', dataPath: grey, ...over });
    const cnn = await loadDataBunch(config({ model: 'cnn' }), { cacheDir });
    expect(cnn.trainDs.shape).toEqual([28, 28, 1]);
    expect(cnn.source?.classes).toEqual(['square', 'stripes-h', 'stripes-v']);
    const mlp = await loadDataBunch(config({ model: 'mlp', imageSize: '32', channels: 'rgb' }), { cacheDir });
    expect(mlp.trainDs.shape).toEqual([32 * 32 * 3]);
    expect(mlp.source?.image).toMatchObject({ width: 32, channels: 3 });
  });
});

describe('image folders refused before a run', () => {
  const problem = (dataPath: string) => dataPathProblem({ ...DEFAULT_HYPERPARAMS, dataset: 'images', dataPath });

  it('no class folders, one class, an empty class, a valid/ class train/ lacks, a file', async () => {
    const none = join(root, 'none');
    await mkdir(none, { recursive: true });
    await writeFile(join(none, 'a.png'), 'x');
    expect(await problem(none)).toBe(
      `${none}: no class folders; expected one subfolder of images per class (e.g. ${join(none, 'cat', '1.png')}), or train/ and valid/ folders of them`,
    );
    const one = join(root, 'one');
    await writeImageFolder(one, { classes: ['square'], perClass: 2 });
    expect(await problem(one)).toBe(`${one}: only one class folder (square); a classifier needs at least two`);
    const empty = join(root, 'empty');
    await writeImageFolder(empty, { classes: ['square'], perClass: 2 });
    await mkdir(join(empty, 'dog'));
    await writeFile(join(empty, 'dog', 'notes.txt'), 'not an image');
    expect(await problem(empty)).toBe(`${join(empty, 'dog')}: no PNG, JPEG or WebP files in this class folder`);
    const stray = join(root, 'stray');
    await writeImageFolder(stray, { classes: ['square', 'diagonal'], perClass: 4, valid: 1 });
    await writeImageFolder(join(stray, 'valid'), { classes: ['stripes-h'], perClass: 1 });
    expect(await problem(stray)).toBe(
      `${join(stray, 'valid', 'stripes-h')}: class 'stripes-h' is not in ${join(stray, 'train')} (it has: diagonal, square)`,
    );
    expect(await problem(join(none, 'a.png'))).toBe(`${join(none, 'a.png')} is a file; expected a folder of class folders of images`);
    expect(await problem(join(root, 'missing'))).toBe(`Folder not found: ${join(root, 'missing')}`);
    expect(await problem(grey)).toBeNull();
  });
});
