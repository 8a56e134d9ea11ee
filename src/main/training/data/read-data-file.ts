/** Reads a user's data file, turning file-system errors into one-line DataErrors. */
import { readFile, stat } from 'node:fs/promises';
import { DataError } from './data-error';

export async function readDataFile(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (err) {
    throw fileSystemError(err, path, 'file');
  }
}

/** Checks that `path` is a folder (IDX datasets come as a folder of four files, image datasets as folders of images). */
export async function assertFolder(path: string, what = 'a folder of IDX files'): Promise<void> {
  let isDir: boolean;
  try {
    isDir = (await stat(path)).isDirectory();
  } catch (err) {
    throw fileSystemError(err, path, 'folder');
  }
  if (!isDir) throw new DataError(`${path} is a file; expected ${what}`, path);
}

/** Checks that `path` is a file (a CSV dataset is one file). */
export async function assertFile(path: string, what: string): Promise<void> {
  let isFile: boolean;
  try {
    isFile = (await stat(path)).isFile();
  } catch (err) {
    throw fileSystemError(err, path, 'file');
  }
  if (!isFile) throw new DataError(`${path} is a folder; expected ${what}`, path);
}

function fileSystemError(err: unknown, path: string, kind: 'file' | 'folder'): DataError {
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') {
    return new DataError(`${kind === 'file' ? 'File' : 'Folder'} not found: ${path}`, path);
  }
  if (code === 'EISDIR') return new DataError(`${path} is a folder; expected a file`, path);
  if (code === 'EACCES' || code === 'EPERM') return new DataError(`Cannot read ${path}: permission denied`, path);
  return new DataError(`Cannot read ${path}: ${(err as Error).message}`, path);
}
