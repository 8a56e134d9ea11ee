/**
 * The space reserve: a small file of zeros kept in the data folder and given back the moment
 * a write finds the disk full, so the few writes that end runs properly ("failed: disk full
 * while writing …") and recover them still fit. It is put back when space returns (the next
 * start, or after a run is deleted). Best effort throughout: no reserve never stops anything.
 */
import { open, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';

export const RESERVE_FILE = '.space-reserve';
/** A run.json is a few kB: enough to end and recover a few dozen runs. */
export const RESERVE_BYTES = 256 * 1024;

/** Creates the reserve if the data folder exists and it is missing; false if it could not. */
export async function ensureReserve(dataDir: string): Promise<boolean> {
  const file = join(dataDir, RESERVE_FILE);
  const existing = await stat(file).catch(() => null);
  if (existing?.size === RESERVE_BYTES) return true;
  if (
    !(await stat(dataDir).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    return false;
  try {
    const handle = await open(file, 'w');
    try {
      // Real blocks, not a sparse file: the point is space that is really taken.
      await handle.writeFile(Buffer.alloc(RESERVE_BYTES));
      await handle.sync();
    } finally {
      await handle.close();
    }
    return true;
  } catch {
    await rm(file, { force: true }).catch(() => undefined);
    return false;
  }
}

/** Gives the reserve back; true if there was one to give. */
export async function releaseReserve(dataDir: string): Promise<boolean> {
  const file = join(dataDir, RESERVE_FILE);
  const existed = await stat(file).then(
    () => true,
    () => false,
  );
  if (existed) await rm(file, { force: true }).catch(() => undefined);
  return existed;
}
