/**
 * A MetricsIndex kept on disk beside its metrics.jsonl (`.metrics-index` in the run's
 * folder), so that a run of millions of rows opens in a fraction of a second after the host
 * restarts instead of being read again whole. It is a cache: derived, checked before use (the
 * same file, at least as long, the same bytes just before where the index stopped) and read
 * again from metrics.jsonl when anything is off. Saving is best effort — a full disk only
 * means no cache — and is skipped unless the disk keeps at least FREE_AFTER_SAVE_BYTES and
 * ten times the index's size free after it: a cache must never take the space a training
 * run's next rows need.
 *
 * Layout: "RLMIDX01", the header's length (uint32 LE) and the header as JSON, then each
 * column's values in a fixed order, each starting on an 8-byte boundary.
 */
import { open, readFile, rename, rm, statfs } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MetricsIndex, type SavedIndex } from './metrics-index';

export const INDEX_FILE = '.metrics-index';
const MAGIC = Buffer.from('RLMIDX01', 'latin1');
/** Bytes before `covered` compared on load: a file rewritten in place does not pass for the one indexed. */
const TAIL_BYTES = 64;
/** Free space a save must leave on the disk (besides ten times its own size). */
export const FREE_AFTER_SAVE_BYTES = 256 * 1024 * 1024;
const COLUMN_TYPES = [
  Uint32Array,
  Float32Array,
  Float32Array,
  Float32Array,
  Float32Array,
  ...Array<Float64ArrayConstructor>(8).fill(Float64Array),
];

type Header = SavedIndex['header'] & { tail: string };

export function indexFileFor(metricsFile: string): string {
  return join(dirname(metricsFile), INDEX_FILE);
}

/** Writes the index (to a temp file, then renamed). False when it did not (little space left, a read-only folder). */
export async function saveIndex(index: MetricsIndex): Promise<boolean> {
  const saved = index.toSaved();
  const size = saved.columns.flat().reduce((sum, c) => sum + c.byteLength, 0);
  if (!(await roomFor(dirname(index.file), size))) return false;
  const tail = await tailOf(index.file, saved.header.covered);
  if (tail === null) return false;
  const header = Buffer.from(JSON.stringify({ ...saved.header, tail } satisfies Header), 'utf8');
  const target = indexFileFor(index.file);
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    const handle = await open(tmp, 'w');
    try {
      const lead = Buffer.alloc(align(MAGIC.length + 4 + header.length));
      MAGIC.copy(lead, 0);
      lead.writeUInt32LE(header.length, MAGIC.length);
      header.copy(lead, MAGIC.length + 4);
      await handle.write(lead);
      for (const slices of saved.columns) {
        let bytes = 0;
        for (const slice of slices) {
          await handle.write(new Uint8Array(slice.buffer, slice.byteOffset, slice.byteLength));
          bytes += slice.byteLength;
        }
        if (align(bytes) > bytes) await handle.write(Buffer.alloc(align(bytes) - bytes));
      }
    } finally {
      await handle.close();
    }
    await rename(tmp, target);
    return true;
  } catch {
    await rm(tmp, { force: true }).catch(() => undefined);
    return false;
  }
}

/** The saved index of `metricsFile`, if there is one that still describes it; null otherwise. */
export async function loadIndex(metricsFile: string, identity: string, size: number): Promise<MetricsIndex | null> {
  let data: Buffer;
  try {
    data = await readFile(indexFileFor(metricsFile));
  } catch {
    return null;
  }
  try {
    if (data.length < MAGIC.length + 4 || !data.subarray(0, MAGIC.length).equals(MAGIC)) return null;
    const headerLength = data.readUInt32LE(MAGIC.length);
    const header = JSON.parse(data.toString('utf8', MAGIC.length + 4, MAGIC.length + 4 + headerLength)) as Header;
    if (header.identity !== identity || header.covered > size) return null;
    if ((await tailOf(metricsFile, header.covered)) !== header.tail) return null;
    // Each column copied into its own aligned array (the Buffer's offset in its ArrayBuffer need not be).
    const columns: (Float32Array | Float64Array | Uint32Array)[] = [];
    let at = align(MAGIC.length + 4 + headerLength);
    COLUMN_TYPES.forEach((Type, k) => {
      const rows = k < 5 ? header.iterRows : header.epochRows;
      const bytes = rows * Type.BYTES_PER_ELEMENT;
      if (at + bytes > data.length) throw new Error('short');
      const aligned = new Uint8Array(bytes);
      aligned.set(data.subarray(at, at + bytes));
      columns.push(new Type(aligned.buffer, 0, rows));
      at += align(bytes);
    });
    if (at !== data.length) return null;
    return MetricsIndex.fromSaved(metricsFile, { header, columns });
  } catch {
    return null;
  }
}

/** Whether `bytes` more leave the disk of `dir` enough free space (unknown: no). */
async function roomFor(dir: string, bytes: number): Promise<boolean> {
  const fs = await statfs(dir).catch(() => null);
  if (!fs) return false;
  return fs.bavail * fs.bsize - bytes >= Math.max(FREE_AFTER_SAVE_BYTES, 10 * bytes);
}

function align(n: number): number {
  return Math.ceil(n / 8) * 8;
}

/** Hex of the bytes just before `covered` (the whole file's start, if shorter); null if unreadable. */
async function tailOf(file: string, covered: number): Promise<string | null> {
  try {
    const handle = await open(file, 'r');
    try {
      const from = Math.max(0, covered - TAIL_BYTES);
      const buf = Buffer.alloc(covered - from);
      const { bytesRead } = await handle.read(buf, 0, buf.length, from);
      return bytesRead === buf.length ? buf.toString('hex') : null;
    } finally {
      await handle.close();
    }
  } catch {
    return null;
  }
}
