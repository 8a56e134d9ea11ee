/**
 * writeCheckpointFolder: the one place a checkpoint folder is written. Its files go into a
 * hidden temp folder beside it, each synced, and the folder is renamed into place (then the
 * parent synced): a reader sees the whole checkpoint or none of it, and a crash leaves at
 * most a `.tmp-` folder, which the next writer removes. A checkpoint's name is its position,
 * so a folder that is already there holds the same state and is kept as it is.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { namingFullDisk } from '../../fs/disk-full';
import { exists, syncDir, writeDurably } from '../../fs/durable-files';

const TEMP_PREFIX = '.tmp-';

/** Writes `files` as the folder `dir`; false when `dir` was already there (nothing written). */
export async function writeCheckpointFolder(dir: string, files: Record<string, string | Uint8Array>): Promise<boolean> {
  const parent = dirname(dir);
  await mkdir(parent, { recursive: true });
  if (await exists(dir)) return false;
  const tmp = join(parent, `${TEMP_PREFIX}${basename(dir)}-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(tmp);
    // A full disk names the checkpoint file it stopped at, as every durable write does.
    for (const [name, data] of Object.entries(files)) await namingFullDisk(join(dir, name), () => writeDurably(join(tmp, name), data));
    await syncDir(tmp);
    await rename(tmp, dir);
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    // Someone else put the same checkpoint there first: it holds the same state.
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ENOTEMPTY' || code === 'EEXIST') && (await exists(dir))) return false;
    throw error;
  }
  await syncDir(parent);
  return true;
}

/** Removes the temp folders a crashed writer left in `parent` (only this run's trainer writes there). */
export async function removeCheckpointLeftovers(parent: string): Promise<void> {
  const names = await readdir(parent).catch(() => [] as string[]);
  await Promise.all(names.filter((n) => n.startsWith(TEMP_PREFIX)).map((n) => rm(join(parent, n), { recursive: true, force: true })));
}
