/**
 * IDX files (the MNIST / Fashion-MNIST / KMNIST format): a 4-byte magic (0, 0, data type,
 * number of dimensions), one big-endian uint32 per dimension, then the values. Files may be
 * gzipped (detected by the 0x1f8b magic). Only unsigned-byte data (type 0x08) is supported.
 */
import { DataError } from './data-error';
import { gunzipBounded } from './gunzip-bounded';
import { readDataFile } from './read-data-file';

/** Far above MNIST's 47 MB train images; a compressed or plain IDX file beyond this is refused. */
export const MAX_IDX_BYTES = 2 * 1024 * 1024 * 1024 - 1;

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

export type IdxKind = 'images' | 'labels';
const DIMS_OF: Record<IdxKind, number> = { images: 3, labels: 1 };
export const EXPECTED_SHAPE: Record<IdxKind, string> = {
  images: 'images with 3 dimensions (count, rows, columns; magic 0x00000803)',
  labels: 'labels with 1 dimension (magic 0x00000801)',
};

/**
 * Reads and checks one IDX file, gzipped or not. With `kind`, a file holding the other kind
 * (labels with the images' magic number) is named as such before its sizes are read.
 */
export async function readIdx(path: string, kind?: IdxKind): Promise<IdxArray> {
  let buf = await readDataFile(path, MAX_IDX_BYTES);
  if (buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b) {
    // Decompress no more than the header says the body holds (plus one byte, to see "too long").
    buf = await gunzipBounded(buf, path, (head) => {
      const header = checkHeader(head, path, kind, true);
      return header === null ? MAX_IDX_BYTES : header.headerSize + header.expected + 1;
    });
  }
  const { dims, headerSize, expected } = checkHeader(buf, path, kind, false)!;
  const actual = buf.length - headerSize;
  if (actual !== expected) {
    const what = actual < expected ? 'truncated IDX body' : 'IDX body too long';
    throw new DataError(`${path}: ${what}: expected ${expected} bytes (${dims.join(' × ')}), found ${actual}`, path);
  }
  return { dims, data: new Uint8Array(buf.buffer, buf.byteOffset + headerSize, expected) };
}

interface IdxHeader {
  dims: number[];
  headerSize: number;
  expected: number;
}

/** The header's dims and body size; null while `partial` and the header is not all there yet. */
function checkHeader(buf: Buffer, path: string, kind: IdxKind | undefined, partial: boolean): IdxHeader | null {
  if (buf.length < 4) {
    if (partial) return null;
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
  if (kind !== undefined && ndims !== DIMS_OF[kind]) {
    // Checked before the sizes: label bytes read as image dimensions make an absurd expected size.
    const other = kind === 'images' ? 'labels' : 'images';
    const whose =
      ndims === DIMS_OF[other] ? `; ${hex(magic)} is the magic number of ${other === 'images' ? 'an images' : 'a labels'} file` : '';
    throw new DataError(`${path}: expected ${EXPECTED_SHAPE[kind]}, found ${ndims}${whose}`, path);
  }
  const headerSize = 4 + 4 * ndims;
  if (buf.length < headerSize) {
    if (partial) return null;
    throw new DataError(`${path}: truncated IDX header: expected ${headerSize} bytes for ${ndims} dimension(s), found ${buf.length}`, path);
  }
  const dims = Array.from({ length: ndims }, (_, k) => buf.readUInt32BE(4 + 4 * k));
  const expected = dims.reduce((a, b) => a * b, 1);
  if (expected > MAX_IDX_BYTES) {
    throw new DataError(
      `${path}: the IDX header says ${dims.join(' × ')} = ${expected.toLocaleString('en-US')} bytes, more than Runlab reads (${MAX_IDX_BYTES.toLocaleString('en-US')})`,
      path,
    );
  }
  return { dims, headerSize, expected };
}

function hex(n: number, digits = 8): string {
  return `0x${n.toString(16).padStart(digits, '0')}`;
}
