/**
 * Reads a user's data file, turning file-system problems into one-line DataErrors: a path
 * that is a folder, a named pipe or a device (/dev/zero) is named for what it is and never
 * read (a pipe would wait forever, a device never ends), and a file above the size a source
 * can hold is refused before it is read.
 */
import { stat } from 'node:fs/promises';
import { fileKind, formatBytes, readRegularFile } from '../../fs/regular-file';
import { DataError } from './data-error';

/** A JavaScript string holds at most 2^29 characters: a CSV file cannot be bigger. */
export const MAX_DATA_FILE_BYTES = 512 * 1024 * 1024;

export async function readDataFile(path: string, maxBytes = MAX_DATA_FILE_BYTES): Promise<Buffer> {
  const read = await readRegularFile(path, maxBytes);
  if (read.ok) return read.data;
  switch (read.problem) {
    case 'missing':
      throw new DataError(`File not found: ${path}`, path);
    case 'not-a-file':
      throw new DataError(`${path} is a ${read.kind}; expected a file`, path);
    case 'too-big':
      throw new DataError(`${path} is ${formatBytes(read.size ?? 0)}; data files up to ${formatBytes(maxBytes)} are supported`, path);
    case 'unreadable':
      throw unreadable(read.code, path);
  }
}

/** Checks that `path` is a folder (IDX datasets come as a folder of four files, image datasets as folders of images). */
export async function assertFolder(path: string, what = 'a folder of IDX files'): Promise<void> {
  const kind = await kindOf(path, 'folder');
  if (kind !== 'folder') throw new DataError(`${path} is a ${kind}; expected ${what}`, path);
}

/** Checks that `path` is a file (a CSV dataset is one file). */
export async function assertFile(path: string, what: string): Promise<void> {
  const kind = await kindOf(path, 'file');
  if (kind !== 'file') throw new DataError(`${path} is a ${kind}; expected ${what}`, path);
}

async function kindOf(path: string, expected: 'file' | 'folder'): Promise<string> {
  try {
    return fileKind(await stat(path));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') {
      throw new DataError(`${expected === 'file' ? 'File' : 'Folder'} not found: ${path}`, path);
    }
    throw unreadable(code, path, err);
  }
}

function unreadable(code: string | undefined, path: string, err?: unknown): DataError {
  if (code === 'EACCES' || code === 'EPERM') return new DataError(`Cannot read ${path}: permission denied`, path);
  return new DataError(`Cannot read ${path}: ${code ?? (err instanceof Error ? err.message : 'unknown error')}`, path);
}
