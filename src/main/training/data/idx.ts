/**
 * IDX files (the MNIST / Fashion-MNIST / KMNIST format): a 4-byte magic (0, 0, data type,
 * number of dimensions), one big-endian uint32 per dimension, then the values. Files may be
 * gzipped (detected by the 0x1f8b magic). Only unsigned-byte data (type 0x08) is supported.
 */
import { promisify } from 'node:util';
import { gunzip as gunzipCb } from 'node:zlib';
import { DataError } from './data-error';
import { readDataFile } from './read-data-file';

const gunzip = promisify(gunzipCb);

export interface IdxArray {
  /** Sizes of each dimension, e.g. [60000, 28, 28] for images, [60000] for labels. */
  dims: number[];
  data: Uint8Array;
}

const TYPE_NAMES: Record<number, string> = {
  0x08: 'unsigned byte',
  0x09: 'signed byte',
  0x0b: 'short',
  0x0c: 'int',
  0x0d: 'float',
  0x0e: 'double',
};
const UBYTE = 0x08;
const EXPECTED_MAGIC = 'expected 0x00000801 (labels) or 0x00000803 (images)';

/** Reads and checks one IDX file, gzipped or not. */
export async function readIdx(path: string): Promise<IdxArray> {
  let buf = await readDataFile(path);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    try {
      buf = await gunzip(buf);
    } catch (err) {
      throw new DataError(`${path}: gzip data is corrupt (${(err as Error).message})`, path);
    }
  }
  if (buf.length < 4) {
    throw new DataError(`${path}: not an IDX file: ${buf.length} bytes, shorter than the 4-byte magic number`, path);
  }
  const magic = buf.readUInt32BE(0);
  const type = buf[2]!;
  const ndims = buf[3]!;
  if (buf[0] !== 0 || buf[1] !== 0 || ndims === 0 || !(type in TYPE_NAMES)) {
    throw new DataError(`${path}: not an IDX file: magic number ${hex(magic)}, ${EXPECTED_MAGIC}`, path);
  }
  if (type !== UBYTE) {
    throw new DataError(
      `${path}: IDX data type ${hex(type, 2)} (${TYPE_NAMES[type]}) is not supported; expected 0x08 (unsigned byte)`,
      path,
    );
  }
  const headerSize = 4 + 4 * ndims;
  if (buf.length < headerSize) {
    throw new DataError(`${path}: truncated IDX header: expected ${headerSize} bytes for ${ndims} dimension(s), found ${buf.length}`, path);
  }
  const dims = Array.from({ length: ndims }, (_, k) => buf.readUInt32BE(4 + 4 * k));
  const expected = dims.reduce((a, b) => a * b, 1);
  const actual = buf.length - headerSize;
  if (actual !== expected) {
    const what = actual < expected ? 'truncated IDX body' : 'IDX body too long';
    throw new DataError(`${path}: ${what}: expected ${expected} bytes (${dims.join(' × ')}), found ${actual}`, path);
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + headerSize, expected) };
}

function hex(n: number, digits = 8): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}
