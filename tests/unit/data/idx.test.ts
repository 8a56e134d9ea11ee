import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataError } from '../../../src/main/training/data/data-error';
import { readIdx } from '../../../src/main/training/data/idx';
import { loadIdxFolder } from '../../../src/main/training/data/idx-folder';

/** Bytes of an IDX file: 0, 0, type, ndims, big-endian dims, then the body. */
function idxBytes(dims: number[], body: ArrayLike<number>, type = 0x08): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = type;
  header[3] = dims.length;
  dims.forEach((d, k) => header.writeUInt32BE(d, 4 + 4 * k));
  return Buffer.concat([header, Buffer.from(Uint8Array.from(body))]);
}

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runlab-idx-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function put(name: string, bytes: Buffer): Promise<string> {
  const path = join(root, name);
  await mkdir(join(path, '..'), { recursive: true });
  await writeFile(path, bytes);
  return path;
}

async function failure(p: Promise<unknown>): Promise<DataError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

describe('readIdx', () => {
  const body = Array.from({ length: 2 * 3 * 2 }, (_, i) => i * 20);

  it('reads a plain and a gzipped file to the same dims and bytes', async () => {
    const plain = await readIdx(await put('a/plain-idx3-ubyte', idxBytes([2, 3, 2], body)));
    const gz = await readIdx(await put('a/packed-idx3-ubyte.gz', gzipSync(idxBytes([2, 3, 2], body))));
    for (const arr of [plain, gz]) {
      expect(arr.dims).toEqual([2, 3, 2]);
      expect(Array.from(arr.data)).toEqual(body);
    }
    const labels = await readIdx(await put('a/labels-idx1-ubyte', idxBytes([4], [3, 1, 4, 1])));
    expect(labels.dims).toEqual([4]);
    expect(Array.from(labels.data)).toEqual([3, 1, 4, 1]);
  });

  it('refuses a file whose magic number is not IDX, naming the file and the expected magic', async () => {
    const path = await put('b/wrong-magic', Buffer.concat([Buffer.from([0x12, 0x34, 0x08, 0x03]), Buffer.alloc(20)]));
    const err = await failure(readIdx(path));
    expect(err.message).toBe(`${path}: not an IDX file: magic number 0x12340803, expected 0x00000801 (labels) or 0x00000803 (images)`);
    expect(err.path).toBe(path);
  });

  it('refuses data types other than unsigned byte with a clear message', async () => {
    const path = await put('b/floats-idx1', idxBytes([2], new Array(8).fill(0), 0x0d));
    expect((await failure(readIdx(path))).message).toBe(
      `${path}: IDX data type 0x0d (float) is not supported; expected 0x08 (unsigned byte)`,
    );
  });

  it('reports a truncated body with the expected and actual byte counts, plain or gzipped', async () => {
    const full = idxBytes([2, 3, 2], body);
    const path = await put('b/short-idx3-ubyte', full.subarray(0, full.length - 5));
    expect((await failure(readIdx(path))).message).toBe(`${path}: truncated IDX body: expected 12 bytes (2 × 3 × 2), found 7`);
    const gz = await put('b/short-idx3-ubyte.gz', gzipSync(full.subarray(0, full.length - 1)));
    expect((await failure(readIdx(gz))).message).toBe(`${gz}: truncated IDX body: expected 12 bytes (2 × 3 × 2), found 11`);
    const header = await put('b/short-header', full.subarray(0, 9));
    expect((await failure(readIdx(header))).message).toBe(`${header}: truncated IDX header: expected 16 bytes for 3 dimension(s), found 9`);
  });

  it('reports a damaged gzip stream and a missing file', async () => {
    const gz = gzipSync(idxBytes([2, 3, 2], body));
    const path = await put('b/damaged.gz', gz.subarray(0, 12));
    expect((await failure(readIdx(path))).message).toMatch(new RegExp(`^${escape(path)}: gzip data is corrupt`));
    const missing = join(root, 'nope', 'train-images-idx3-ubyte');
    expect((await failure(readIdx(missing))).message).toBe(`File not found: ${missing}`);
  });
});

/** A folder of four IDX files: `nTrain`/`nTest` images of 3×4 pixels, labels cycling 0..c-1. */
async function idxFolder(name: string, opts: { nTrain?: number; nTest?: number; c?: number; dots?: boolean; gz?: boolean } = {}) {
  const { nTrain = 6, nTest = 4, c = 3, dots = false, gz = false } = opts;
  const dir = join(root, name);
  const file = (prefix: string, kind: string, idx: string) => `${prefix}-${kind}${dots ? '.' : '-'}${idx}-ubyte${gz ? '.gz' : ''}`;
  const pack = (b: Buffer) => (gz ? gzipSync(b) : b);
  const images = (n: number, offset: number) => Array.from({ length: n * 12 }, (_, k) => (k * 7 + offset) % 256);
  await put(join(name, file('train', 'images', 'idx3')), pack(idxBytes([nTrain, 3, 4], images(nTrain, 0))));
  await put(
    join(name, file('train', 'labels', 'idx1')),
    pack(
      idxBytes(
        [nTrain],
        Array.from({ length: nTrain }, (_, i) => i % c),
      ),
    ),
  );
  await put(join(name, file('t10k', 'images', 'idx3')), pack(idxBytes([nTest, 3, 4], images(nTest, 100))));
  await put(
    join(name, file('t10k', 'labels', 'idx1')),
    pack(
      idxBytes(
        [nTest],
        Array.from({ length: nTest }, (_, i) => i % c),
      ),
    ),
  );
  return dir;
}

function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

describe('loadIdxFolder', () => {
  it('loads train and t10k files as train and valid, shaped [rows, cols, 1], normalized with train stats', async () => {
    const split = await loadIdxFolder(await idxFolder('plain'));
    expect(split.train.length).toBe(6);
    expect(split.valid.length).toBe(4);
    expect(split.train.shape).toEqual([3, 4, 1]);
    expect(split.c).toBe(3);
    expect(Array.from(split.train.y)).toEqual([0, 1, 2, 0, 1, 2]);
    expect(split.train.y).toBeInstanceOf(Int32Array);
    // Train pixels have mean 0 and std 1 after normalization; the same affine map applies to valid.
    const pixels = Array.from({ length: 72 }, (_, k) => ((k * 7) % 256) / 255);
    const mean = pixels.reduce((a, b) => a + b, 0) / 72;
    const std = Math.sqrt(pixels.reduce((a, b) => a + (b - mean) ** 2, 0) / 72);
    expect(split.train.x[1]).toBeCloseTo((7 / 255 - mean) / std, 5);
    expect(split.valid.x[0]).toBeCloseTo((100 / 255 - mean) / std, 5);
  });

  it("accepts gzipped files and the '.idx' spelling (train-images.idx3-ubyte)", async () => {
    const plain = await loadIdxFolder(await idxFolder('plain2'));
    const dotted = await loadIdxFolder(await idxFolder('dotted-gz', { dots: true, gz: true }));
    expect(dotted.train.x).toEqual(plain.train.x);
    expect(dotted.valid.y).toEqual(plain.valid.y);
  });

  it('reports image and label counts that disagree', async () => {
    const dir = await idxFolder('mismatch');
    const labels = join(dir, 'train-labels-idx1-ubyte');
    await writeFile(labels, idxBytes([5], [0, 1, 2, 0, 1]));
    expect((await failure(loadIdxFolder(dir))).message).toBe(
      `${labels}: 5 labels, but ${join(dir, 'train-images-idx3-ubyte')} holds 6 images`,
    );
  });

  it('lists the names it looked for when a file is missing', async () => {
    const dir = await idxFolder('missing');
    await rm(join(dir, 't10k-labels-idx1-ubyte'));
    expect((await failure(loadIdxFolder(dir))).message).toBe(
      `${dir}: no t10k labels file; looked for t10k-labels-idx1-ubyte, t10k-labels-idx1-ubyte.gz, t10k-labels.idx1-ubyte, t10k-labels.idx1-ubyte.gz`,
    );
    const nowhere = join(root, 'no-such-folder');
    expect((await failure(loadIdxFolder(nowhere))).message).toBe(`Folder not found: ${nowhere}`);
  });

  it('refuses validation labels outside the training labels', async () => {
    const dir = await idxFolder('range');
    const labels = join(dir, 't10k-labels-idx1-ubyte');
    await writeFile(labels, idxBytes([4], [0, 1, 7, 2]));
    expect((await failure(loadIdxFolder(dir))).message).toBe(`${labels}: label 7 at index 2 is outside the training labels' range 0–2`);
  });

  it('refuses an images file that is not 3-dimensional', async () => {
    const dir = await idxFolder('flat');
    const images = join(dir, 'train-images-idx3-ubyte');
    await writeFile(images, idxBytes([6, 12], new Array(72).fill(1)));
    expect((await failure(loadIdxFolder(dir))).message).toBe(
      `${images}: expected images with 3 dimensions (count, rows, columns; magic 0x00000803), found 2`,
    );
  });

  const FASHION = '/usr/share/datasets/fashion-mnist';
  it.skipIf(!existsSync(FASHION))("reads Debian's dataset-fashion-mnist folder as is", async () => {
    const split = await loadIdxFolder(FASHION);
    expect(split.train.length).toBe(60_000);
    expect(split.valid.length).toBe(10_000);
    expect(split.train.shape).toEqual([28, 28, 1]);
    expect(split.c).toBe(10);
  });
});

describe('class names of an IDX folder', () => {
  it('are "0", "1", … by default, and the lines of classes.txt where the folder has one', async () => {
    expect((await loadIdxFolder(await idxFolder('unnamed'))).classes).toEqual(['0', '1', '2']);
    const dir = await idxFolder('named');
    await writeFile(join(dir, 'classes.txt'), 'T-shirt/top\nTrouser\n\nPullover\n');
    const split = await loadIdxFolder(dir);
    expect(split.classes).toEqual(['T-shirt/top', 'Trouser', 'Pullover']);
    expect(split.image).toMatchObject({ width: 4, height: 3, channels: 1 });
  });

  it('refuses a classes.txt with fewer names than labels, naming the file', async () => {
    const dir = await idxFolder('short-names');
    await writeFile(join(dir, 'classes.txt'), 'a\nb\n');
    expect((await failure(loadIdxFolder(dir))).message).toBe(
      `${join(dir, 'classes.txt')}: 2 class name(s), but the labels go up to 2; expected one name per line for each class`,
    );
  });
});
