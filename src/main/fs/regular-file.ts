/**
 * readRegularFile: reads a file only if it is a plain file of bounded size. A named pipe would
 * block a plain read forever and /dev/zero never ends, so the file is opened without blocking,
 * checked with fstat, and refused with the kind of thing it is; a file over `maxBytes` is
 * refused before any of it is read.
 */
import { constants, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export type FileKind = 'file' | 'folder' | 'named pipe (FIFO)' | 'character device' | 'block device' | 'socket' | 'special file';

export type RegularFileRead =
  | { ok: true; data: Buffer }
  | { ok: false; problem: 'missing' | 'not-a-file' | 'too-big' | 'unreadable'; kind?: FileKind; size?: number; code?: string };

/** O_NONBLOCK where the platform has it: opening a FIFO must not wait for a writer. */
const READ_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

export function fileKind(info: Stats): FileKind {
  if (info.isFile()) return 'file';
  if (info.isDirectory()) return 'folder';
  if (info.isFIFO()) return 'named pipe (FIFO)';
  if (info.isCharacterDevice()) return 'character device';
  if (info.isBlockDevice()) return 'block device';
  if (info.isSocket()) return 'socket';
  return 'special file';
}

/** Opens `path` for reading if it is a plain file; the caller closes the handle. */
export async function openRegularFile(
  path: string,
): Promise<{ ok: true; handle: FileHandle; size: number } | Extract<RegularFileRead, { ok: false }>> {
  let handle: FileHandle;
  try {
    handle = await open(path, READ_FLAGS);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { ok: false, problem: 'missing', code };
    // Linux refuses to open a folder for reading only on read; Windows refuses at open.
    if (code === 'EISDIR') return { ok: false, problem: 'not-a-file', kind: 'folder', code };
    return { ok: false, problem: 'unreadable', code: code ?? (error as Error).message };
  }
  try {
    const info = await handle.stat();
    const kind = fileKind(info);
    if (kind !== 'file') {
      await handle.close();
      return { ok: false, problem: 'not-a-file', kind };
    }
    return { ok: true, handle, size: info.size };
  } catch (error) {
    await handle.close().catch(() => undefined);
    return { ok: false, problem: 'unreadable', code: (error as NodeJS.ErrnoException).code ?? (error as Error).message };
  }
}

/** The whole file, if it is a plain file of at most `maxBytes`. */
export async function readRegularFile(path: string, maxBytes: number): Promise<RegularFileRead> {
  const opened = await openRegularFile(path);
  if (!opened.ok) return opened;
  const { handle, size } = opened;
  try {
    if (size > maxBytes) return { ok: false, problem: 'too-big', size };
    // One byte more than the file holds, to see its end; a file that grows meanwhile stays bounded.
    let buffer = Buffer.allocUnsafe(size + 1);
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) return { ok: false, problem: 'too-big', size: length };
        const bigger = Buffer.allocUnsafe(Math.min(maxBytes + 1, buffer.length * 2));
        buffer.copy(bigger, 0, 0, length);
        buffer = bigger;
      }
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) return { ok: true, data: buffer.subarray(0, length) };
      length += bytesRead;
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EISDIR') return { ok: false, problem: 'not-a-file', kind: 'folder', code };
    return { ok: false, problem: 'unreadable', code: code ?? (error as Error).message };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** "60.0 MB": sizes in errors, in decimal units as file managers show them. */
export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} bytes`;
  const units = ['kB', 'MB', 'GB', 'TB'];
  let value = bytes / 1000;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${value.toFixed(1)} ${units[unit]}`;
}
