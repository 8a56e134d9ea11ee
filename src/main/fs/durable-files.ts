/** Durable file writes shared by the folder writers (replace-folder.ts, write-checkpoint-folder.ts). */
import { open, stat } from 'node:fs/promises';

/** Writes a new file (never an existing one) and syncs it to disk before returning. */
export async function writeDurably(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes renames in a folder durable; best effort, as some platforms cannot open a folder. */
export async function syncDir(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // The files themselves are synced.
  }
}

export async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}
