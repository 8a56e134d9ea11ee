/**
 * replaceFolder: replaces a folder of files (a model checkpoint: model/last, model/best) so
 * that the old one stays until the new one is in place. The new files are written into
 * `<name>.tmp-<token>` and synced; the finished folder is renamed `<name>.ready-<token>`
 * (that rename is what marks it whole); then the old folder moves aside to
 * `<name>.old-<token>`, the ready one takes its name, and the old one is removed.
 *
 * recoverFolders: what a crash at any of those steps left, put right (on the next start):
 * where `<name>` is there, leftovers are removed; where it is missing, the newest ready
 * folder takes its place, else the old one comes back; a lone `.tmp-` folder is promoted
 * only if `isComplete` says it is whole (older Runlabs removed the old folder before
 * renaming the new one, so such a folder may hold the only copy).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { exists, syncDir, writeDurably } from './durable-files';
import { namingFullDisk } from './disk-full';

const LEFTOVER = /^(.+)\.(tmp|ready|old)-(\d+)-([0-9a-f]+)$/;

export async function replaceFolder(dir: string, files: Record<string, string | Uint8Array>): Promise<void> {
  const parent = dirname(dir);
  const name = basename(dir);
  const token = `${process.pid}-${randomBytes(4).toString('hex')}`;
  const tmp = join(parent, `${name}.tmp-${token}`);
  const ready = join(parent, `${name}.ready-${token}`);
  const old = join(parent, `${name}.old-${token}`);
  await namingFullDisk(dir, () => mkdir(parent, { recursive: true }));
  try {
    await mkdir(tmp);
    // A full disk is named by the file the person knows (model/last/weights.bin), not the temp one.
    for (const [file, data] of Object.entries(files)) await namingFullDisk(join(dir, file), () => writeDurably(join(tmp, file), data));
    await syncDir(tmp);
    await rename(tmp, ready);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  let moved = false;
  try {
    moved = await rename(dir, old).then(
      () => true,
      (error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return false; // the first save: nothing to keep
        throw error;
      },
    );
    await rename(ready, dir);
  } catch (error) {
    // Put the old one back; the new one is not worth more than it.
    if (moved) await rename(old, dir).catch(() => undefined);
    await rm(ready, { recursive: true, force: true }).catch(() => undefined);
    throw error;
  }
  await syncDir(parent);
  if (moved) await rm(old, { recursive: true, force: true }).catch(() => undefined);
}

export interface RecoverOptions {
  /** Whether a lone `<name>.tmp-…` folder holds a whole copy (then it replaces a missing `<name>`). */
  isComplete?: (folder: string) => Promise<boolean>;
}

/** Puts right what crashed replaceFolder calls left in `parent`; returns the names it restored. */
export async function recoverFolders(parent: string, options: RecoverOptions = {}): Promise<string[]> {
  const entries = await readdir(parent).catch(() => [] as string[]);
  const groups = new Map<string, { kind: string; path: string; mtime: number }[]>();
  for (const entry of entries) {
    const m = LEFTOVER.exec(entry);
    if (!m) continue;
    const path = join(parent, entry);
    const mtime = await stat(path).then(
      (s) => s.mtimeMs,
      () => 0,
    );
    const list = groups.get(m[1]!) ?? [];
    list.push({ kind: m[2]!, path, mtime });
    groups.set(m[1]!, list);
  }
  const restored: string[] = [];
  for (const [name, leftovers] of groups) {
    const target = join(parent, name);
    if (!(await exists(target))) {
      const newest = (kind: string) => leftovers.filter((l) => l.kind === kind).sort((a, b) => b.mtime - a.mtime)[0];
      let candidate = newest('ready') ?? newest('old');
      if (!candidate && options.isComplete) {
        for (const tmp of leftovers.filter((l) => l.kind === 'tmp').sort((a, b) => b.mtime - a.mtime)) {
          if (await options.isComplete(tmp.path)) {
            candidate = tmp;
            break;
          }
        }
      }
      if (
        candidate &&
        (await rename(candidate.path, target).then(
          () => true,
          () => false,
        ))
      ) {
        restored.push(name);
        leftovers.splice(leftovers.indexOf(candidate), 1);
      }
    }
    await Promise.all(leftovers.map((l) => rm(l.path, { recursive: true, force: true }).catch(() => undefined)));
  }
  return restored;
}
