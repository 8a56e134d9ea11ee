/**
 * writeFileAtomic: replace a file so that a crash at any moment leaves either the old or
 * the new content, never a torn file (temp file in the same folder, fsync, rename, fsync dir);
 * a full disk is a DiskFullError naming `file`.
 * Used for run records, settings, timelines, control files and the dataset caches.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { namingFullDisk } from './disk-full';
import { syncDir, writeDurably } from './durable-files';

/** Windows refuses a rename while another process (an indexer, an antivirus) holds the file. */
const RETRYABLE_RENAME = new Set(['EPERM', 'EACCES', 'EBUSY']);

/** `mkdir`: create the file's folder first (a cache folder on a machine's first run). */
export async function writeFileAtomic(file: string, content: string | Uint8Array, options: { mkdir?: boolean } = {}): Promise<void> {
  const dir = dirname(file);
  if (options.mkdir) await mkdir(dir, { recursive: true });
  const tmp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    // writeDurably opens with 'wx': a unique name we create ourselves, never someone else's file.
    await namingFullDisk(file, () => writeDurably(tmp, content));
    await renameWithRetry(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw error;
  }
  await syncDir(dir);
}

async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rename(from, to);
      return;
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (attempt >= 5 || process.platform !== 'win32' || !RETRYABLE_RENAME.has(code)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
  }
}
