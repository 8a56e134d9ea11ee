/**
 * Issue 12, cases 3 and 8: data paths that are not what they claim. Errors quote at most a
 * short printable excerpt, never the content of a file that is not a dataset; a pipe or a
 * device is named for what it is (and never read); an IDX labels file with the images' magic
 * says so; a gzip bomb stops after its first chunk. All with real files.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS } from '../../../src/shared/hyperparams';
import { dataPathProblem } from '../../../src/main/training/data/check-data-path';
import { loadCsv } from '../../../src/main/training/data/csv';
import { DataError } from '../../../src/main/training/data/data-error';
import { readIdx } from '../../../src/main/training/data/idx';
import { loadIdxFolder } from '../../../src/main/training/data/idx-folder';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runlab-hostile-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function failure(p: Promise<unknown>): Promise<DataError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(DataError);
  return err as DataError;
}

const csvOptions = { validFraction: 0.5, seed: 1 };
const checkDataPath = (fields: { dataset: 'csv' | 'idx'; dataPath: string }) => dataPathProblem({ ...DEFAULT_HYPERPARAMS, ...fields });

describe('error texts quote a short, printable excerpt at most', () => {
  it('a 20 MB CSV cell gives a one-line error of a few hundred characters', async () => {
    const path = join(root, 'huge-cell.csv');
    await writeFile(path, `label,a\n1,2\n0,${'x'.repeat(20_000_000)}\n`);
    const err = await failure(loadCsv(path, csvOptions));
    expect(err.message).toBe(`${path} line 3, column 'a': '${'x'.repeat(39)}…' is not a number`);
  });

  it('control characters and escape sequences in a cell are not printed', async () => {
    const path = join(root, 'escape.csv');
    await writeFile(path, 'label,a\n1,2\n0,\u001b[31mred\u0007\n');
    const err = await failure(loadCsv(path, csvOptions));
    expect(err.message).toBe(`${path} line 3, column 'a': '?[31mred?' is not a number`);
  });

  it('a password file as CSV path is refused without a word of its content', async () => {
    const path = join(root, 'shadow');
    await writeFile(path, 'root:$y$j9T$s3cr3tHash$abc:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n');
    const err = await failure(loadCsv(path, csvOptions));
    expect(err.message).toBe(
      `${path} line 1: this does not look like a CSV dataset: the first line is neither numbers nor a header with a 'label' column`,
    );
    for (const real of ['/etc/shadow', '/etc/passwd']) {
      if (!existsSync(real)) continue;
      const message = (await failure(loadCsv(real, csvOptions))).message;
      expect(message).not.toMatch(/root|\$|daemon|:x:/);
    }
  });

  it('a binary file as CSV path is named as binary', async () => {
    const path = join(root, 'binary.csv');
    await writeFile(path, Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x00, 0x00, 0x2c, 0x31]));
    expect((await failure(loadCsv(path, csvOptions))).message).toBe(
      `${path}: this is a binary file, not a CSV file (expected text: a label column and numeric feature columns)`,
    );
  });

  it('a real header still lists its columns, shortened', async () => {
    const path = join(root, 'no-label.csv');
    await writeFile(path, 'a,b,c\n1,2,3\n');
    expect((await failure(loadCsv(path, csvOptions))).message).toBe(`${path} line 1: the header has no 'label' column (found: a, b, c)`);
  });
});

describe('paths that are not files', () => {
  it('a FIFO or /dev/zero as CSV path is named for what it is, before and during loading, without hanging', async () => {
    const fifo = join(root, 'pipe.csv');
    execFileSync('mkfifo', [fifo]);
    expect(await checkDataPath({ dataset: 'csv', dataPath: fifo })).toBe(`${fifo} is a named pipe (FIFO); expected a CSV file`);
    expect((await failure(loadCsv(fifo, csvOptions))).message).toBe(`${fifo} is a named pipe (FIFO); expected a file`);
    expect(await checkDataPath({ dataset: 'csv', dataPath: '/dev/zero' })).toBe('/dev/zero is a character device; expected a CSV file');
    expect((await failure(loadCsv('/dev/zero', csvOptions))).message).toBe('/dev/zero is a character device; expected a file');
    expect(await checkDataPath({ dataset: 'idx', dataPath: fifo })).toBe(`${fifo} is a named pipe (FIFO); expected a folder of IDX files`);
    expect(await checkDataPath({ dataset: 'csv', dataPath: root })).toBe(`${root} is a folder; expected a CSV file`);
  });
});

/** Bytes of an IDX file: 0, 0, type, ndims, big-endian dims, then the body. */
function idxHeader(dims: number[]): Buffer {
  const header = Buffer.alloc(4 + 4 * dims.length);
  header[2] = 0x08;
  header[3] = dims.length;
  dims.forEach((d, k) => header.writeUInt32BE(d, 4 + 4 * k));
  return header;
}

/** A gzip stream of `header` followed by `zeros` zero bytes, compressed as it is generated. */
async function gzipBomb(path: string, header: Buffer, zeros: number): Promise<void> {
  const gzip = createGzip({ level: 9 });
  const parts: Buffer[] = [];
  gzip.on('data', (c: Buffer) => parts.push(c));
  const ended = new Promise((resolve) => gzip.on('end', resolve));
  gzip.write(header);
  const block = Buffer.alloc(1024 * 1024);
  for (let left = zeros; left > 0; left -= block.length) {
    if (!gzip.write(left >= block.length ? block : block.subarray(0, left))) await new Promise((r) => gzip.once('drain', r));
  }
  gzip.end();
  await ended;
  await writeFile(path, Buffer.concat(parts));
}

describe('IDX files', () => {
  it('a labels file with the images magic says so, instead of an absurd expected size', async () => {
    const dir = join(root, 'swapped');
    await mkdir(dir);
    const images = Buffer.concat([idxHeader([2, 2, 2]), Buffer.alloc(8, 1)]);
    for (const prefix of ['train', 't10k']) {
      await writeFile(join(dir, `${prefix}-images-idx3-ubyte`), images);
      // The images file copied over the labels: magic 0x00000803.
      await writeFile(join(dir, `${prefix}-labels-idx1-ubyte`), images);
    }
    const labels = join(dir, 'train-labels-idx1-ubyte');
    expect((await failure(loadIdxFolder(dir))).message).toBe(
      `${labels}: expected labels with 1 dimension (magic 0x00000801), found 3; 0x00000803 is the magic number of an images file`,
    );
  });

  it('a gzip bomb with a small header stops at the size the header gives', async () => {
    const path = join(root, 'bomb-labels-idx1-ubyte.gz');
    await gzipBomb(path, idxHeader([8]), 200 * 1024 * 1024);
    expect((await failure(readIdx(path, 'labels'))).message).toBe(
      `${path}: decompresses to more than 17 bytes; the file is not what its header says (or is a gzip bomb)`,
    );
  });

  it('a gzip bomb of zeros is not an IDX file after its first bytes', async () => {
    const path = join(root, 'zeros.gz');
    await gzipBomb(path, Buffer.alloc(0), 200 * 1024 * 1024);
    expect((await failure(readIdx(path))).message).toBe(
      `${path}: not an IDX file: magic number 0x00000000, expected 0x00000801 (labels) or 0x00000803 (images)`,
    );
  });

  it('a header that claims more than Runlab reads is refused before decompressing it', async () => {
    const path = join(root, 'claims-idx3-ubyte.gz');
    await writeFile(path, gzipSync(Buffer.concat([idxHeader([100_000, 1000, 1000]), Buffer.alloc(100)])));
    expect((await failure(readIdx(path, 'images'))).message).toBe(
      `${path}: the IDX header says 100000 × 1000 × 1000 = 100,000,000,000 bytes, more than Runlab reads (2,147,483,647)`,
    );
  });
});
