/**
 * Class names for sources whose labels are numbers (mnist-sample, IDX, CSV): "0", "1", … by
 * index, or one name per line from a classes file beside the data (`classes.txt` in an IDX
 * folder, `<name>.classes.txt` beside `<name>.csv`).
 */
import { readFile } from 'node:fs/promises';
import { DataError } from './data-error';

/** Longest class name kept: names are labels in tables and charts, not documents. */
export const MAX_CLASS_NAME = 200;

export function indexNames(c: number): string[] {
  return Array.from({ length: c }, (_, i) => String(i));
}

/**
 * The names for `c` classes: from `file` when it exists (blank lines ignored; at least `c`
 * names, and more names than labels seen means more classes), else "0"…"c−1".
 */
export async function classNames(file: string, c: number): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return indexNames(c);
    throw new DataError(`Cannot read ${file}: ${(err as Error).message}`, file);
  }
  const names = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
  if (names.length < c) {
    throw new DataError(
      `${file}: ${names.length} class name(s), but the labels go up to ${c - 1}; expected one name per line for each class`,
      file,
    );
  }
  const long = names.findIndex((n) => n.length > MAX_CLASS_NAME);
  if (long >= 0) throw new DataError(`${file}: the name on line ${long + 1} is longer than ${MAX_CLASS_NAME} characters`, file);
  if (new Set(names).size !== names.length) throw new DataError(`${file}: class names must be different from each other`, file);
  return names;
}
