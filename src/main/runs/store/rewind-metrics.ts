/**
 * rewindMetricsFile: cuts a run's metrics.jsonl back to a checkpoint — iteration rows up to
 * `iter`, epoch rows up to `epoch` — streaming it line by line into a temp file that then
 * replaces it (fsync, rename, fsync folder), so a resume of a run with millions of rows holds
 * one line at a time, not every row, and a crash leaves the old file or the new one. Lines
 * that are not rows are kept as they are (nothing stored is dropped but the rows after the
 * checkpoint); a torn last line (a crash mid-append, no newline) is not a row and is left out.
 */
import { randomBytes } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import type { EpochRow } from '../../../shared/records';
import { syncDir } from '../../fs/durable-files';
import { parseMetricLine } from './metric-line';

export interface RewindResult {
  /** The epoch rows kept, in file order (the resumed run's progress is made from them). */
  epochs: EpochRow[];
  kept: number;
  dropped: number;
}

/** Written to the temp file in pieces of about this many bytes. */
const CHUNK_BYTES = 1 << 20;

export async function rewindMetricsFile(file: string, keep: { iter: number; epoch: number }): Promise<RewindResult> {
  const size = (await stat(file)).size;
  const torn = size > 0 && (await lastByte(file, size)) !== 0x0a;
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const out = await open(tmp, 'wx');
  const result: RewindResult = { epochs: [], kept: 0, dropped: 0 };
  try {
    let pending: string[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pending.length === 0) return;
      await out.write(pending.join(''));
      pending = [];
      pendingBytes = 0;
    };
    const lines = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
    let read = 0;
    for await (const line of lines) {
      read += Buffer.byteLength(line) + 1;
      // The last line, when the file does not end in a newline: torn, never a whole row.
      if (torn && read > size) break;
      if (line.trim() === '') continue;
      const parsed = parseMetricLine(line);
      if (parsed.ok) {
        const row = parsed.row;
        const after = row.kind === 'iter' ? row.iter > keep.iter : row.epoch > keep.epoch;
        if (after) {
          result.dropped++;
          continue;
        }
        if (row.kind === 'epoch') result.epochs.push(row);
        result.kept++;
      }
      pending.push(`${line}\n`);
      pendingBytes += line.length + 1;
      if (pendingBytes >= CHUNK_BYTES) await flush();
    }
    if (result.dropped === 0 && !torn) {
      await out.close();
      await rm(tmp, { force: true });
      return result;
    }
    await flush();
    await out.sync();
    await out.close();
    await rename(tmp, file);
  } catch (error) {
    await out.close().catch(() => undefined);
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDir(dirname(file));
  return result;
}

async function lastByte(file: string, size: number): Promise<number> {
  const handle = await open(file, 'r');
  try {
    const { buffer } = await handle.read(Buffer.alloc(1), 0, 1, size - 1);
    return buffer[0]!;
  } finally {
    await handle.close();
  }
}
