/**
 * Class names for sources whose labels are numbers (mnist-sample, IDX, CSV): "0", "1", … by
 * index, or one name per line from a classes file beside the data (`classes.txt` in an IDX
 * folder, `<name>.classes.txt` beside `<name>.csv`).
 */
import { readRegularFile } from '../../fs/regular-file';
import { DataError } from './data-error';
import { readDataFile } from './read-data-file';

/** Longest class name kept: names are labels in tables and charts, not documents. */
export const MAX_CLASS_NAME = 200;
/** 10,000 names of 200 characters, with room to spare. */
const MAX_CLASSES_FILE_BYTES = 4 * 1024 * 1024;

export function indexNames(c: number): string[] {
  return Array.from({ length: c }, (_, i) => String(i));
}

/**
 * The names for `c` classes: from `file` when it exists (blank lines ignored; at least `c`
 * names, and more names than labels seen means more classes), else "0"…"c−1".
 */
export async function classNames(file: string, c: number): Promise<string[]> {
  const read = await readRegularFile(file, MAX_CLASSES_FILE_BYTES);
  if (!read.ok && read.problem === 'missing') return indexNames(c);
  // Any other problem (a folder, a FIFO, too big, unreadable) is readDataFile's to name.
  const text = (read.ok ? read.data : await readDataFile(file, MAX_CLASSES_FILE_BYTES)).toString('utf8');
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
