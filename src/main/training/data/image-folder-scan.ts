/**
 * scanImageFolder: the files of an image-folder dataset (torchvision's ImageFolder, fastai's
 * from_folder) without decoding any: either one subfolder of images per class, or `train/`
 * and `valid/` (or `test/`) folders of that shape. Class names are the folder names, sorted
 * by code point (as both libraries sort them); class folders are searched recursively;
 * hidden entries and files that are not PNG, JPEG or WebP are ignored. What can be refused
 * before a run is refused here: no class folders, one class, a class folder with no images,
 * a valid/ class that train/ lacks.
 */
import { readdir, stat } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { MAX_CLASSES } from './csv';
import { DataError } from './data-error';
import { assertFolder } from './read-data-file';

export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp'] as const;
const TRAIN = 'train';
const VALID_NAMES = ['valid', 'test'] as const;

export interface ImageFile {
  path: string;
  /** Class index into `classes`. */
  label: number;
  /** Which folder it came from in a train/valid layout; null in a plain class-folder layout. */
  part: 'train' | 'valid' | null;
  size: number;
  mtimeMs: number;
}

export interface ImageFolderScan {
  root: string;
  /** `classes`: class folders at the root. `train-valid`: train/ and valid/ (or test/). */
  layout: 'classes' | 'train-valid';
  /** The validation folder's name in a train-valid layout ("valid" or "test"). */
  validFolder: string | null;
  classes: string[];
  /** In a stable order: by class folder, then path. */
  files: ImageFile[];
  /** Files that are not images (README, .DS_Store, …), left out. */
  ignored: number;
}

export function isImageFile(name: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extname(name).toLowerCase());
}

export async function scanImageFolder(root: string): Promise<ImageFolderScan> {
  await assertFolder(root, 'a folder of class folders of images');
  const top = await subfolders(root);
  const validFolder = top.includes(TRAIN) ? (VALID_NAMES.find((v) => top.includes(v)) ?? null) : null;
  if (validFolder !== null) {
    const trainDir = join(root, TRAIN);
    const classes = await classFolders(trainDir, root);
    const train = await classFiles(trainDir, classes, 'train');
    const validDir = join(root, validFolder);
    const validClasses = await subfolders(validDir);
    const unknown = validClasses.find((c) => !classes.includes(c));
    if (unknown !== undefined) {
      throw new DataError(
        `${join(validDir, unknown)}: class '${unknown}' is not in ${trainDir} (it has: ${shortList(classes)})`,
        join(validDir, unknown),
      );
    }
    const valid = await classFiles(validDir, classes, 'valid', { allowEmpty: true });
    return {
      root,
      layout: 'train-valid',
      validFolder,
      classes,
      files: [...train.files, ...valid.files],
      ignored: train.ignored + valid.ignored,
    };
  }
  const classes = await classFolders(root, root);
  const { files, ignored } = await classFiles(root, classes, null);
  return { root, layout: 'classes', validFolder: null, classes, files, ignored };
}

/** Visible subfolders, sorted by code point. */
async function subfolders(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true }).catch((err: Error) => {
    throw new DataError(`Cannot read ${dir}: ${err.message}`, dir);
  });
  return entries
    .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
    .map((e) => e.name)
    .sort(byCodePoint);
}

async function classFolders(dir: string, root: string): Promise<string[]> {
  const classes = await subfolders(dir);
  const layout = `expected one subfolder of images per class (e.g. ${join(root, 'cat', '1.png')}), or train/ and valid/ folders of them`;
  if (classes.length === 0) throw new DataError(`${dir}: no class folders; ${layout}`, dir);
  if (classes.length === 1) {
    throw new DataError(`${dir}: only one class folder (${classes[0]}); a classifier needs at least two`, dir);
  }
  if (classes.length > MAX_CLASSES)
    throw new DataError(`${dir}: ${classes.length} class folders; at most ${MAX_CLASSES} are supported`, dir);
  return classes;
}

async function classFiles(
  dir: string,
  classes: string[],
  part: ImageFile['part'],
  options: { allowEmpty?: boolean } = {},
): Promise<{ files: ImageFile[]; ignored: number }> {
  const files: ImageFile[] = [];
  let ignored = 0;
  for (const [label, name] of classes.entries()) {
    const classDir = join(dir, name);
    const found = await walk(classDir).catch((err: NodeJS.ErrnoException) => {
      // A class missing from valid/ is fine; one that vanished since it was listed is not.
      if (options.allowEmpty && err.code === 'ENOENT') return { paths: [], ignored: 0 };
      throw new DataError(`Cannot read ${classDir}: ${err.message}`, classDir);
    });
    if (found.paths.length === 0 && !options.allowEmpty) {
      throw new DataError(`${classDir}: no PNG, JPEG or WebP files in this class folder`, classDir);
    }
    ignored += found.ignored;
    const stats = await Promise.all(found.paths.map((p) => stat(p)));
    found.paths.forEach((path, i) => files.push({ path, label, part, size: stats[i]!.size, mtimeMs: stats[i]!.mtimeMs }));
  }
  return { files, ignored };
}

/** Image files under `dir`, recursively, sorted by their path. */
async function walk(dir: string): Promise<{ paths: string[]; ignored: number }> {
  const paths: string[] = [];
  let ignored = 0;
  const visit = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    for (const e of entries) {
      if (e.name.startsWith('.')) continue;
      const path = join(folder, e.name);
      if (e.isDirectory()) await visit(path);
      else if (e.isFile() && isImageFile(e.name)) paths.push(path);
      else ignored++;
    }
  };
  await visit(dir);
  paths.sort((a, b) => byCodePoint(relative(dir, a), relative(dir, b)));
  return { paths, ignored };
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function shortList(names: string[]): string {
  return names.length > 6 ? `${names.slice(0, 6).join(', ')}, …` : names.join(', ');
}

/** "cat/1.png" style: the file's path below the dataset root, for messages and the preview. */
export function displayPath(scan: Pick<ImageFolderScan, 'root'>, file: string): string {
  const rel = relative(scan.root, file);
  return rel === '' ? basename(file) : rel;
}
