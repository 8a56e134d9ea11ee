/**
 * A real full disk for fault tests: a small tmpfs mounted in a temp folder (root only), and
 * `fill` to take all its free space but `leaveBytes` with a filler file. Where this process
 * cannot mount (not root, or no CAP_SYS_ADMIN), `mountSmallDisk` says why and tests use an
 * injected write failure instead (a file linked to /dev/full, which fails every write with
 * ENOSPC).
 */
import { execFileSync } from 'node:child_process';
import { mkdtemp, open, rm, statfs } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Bytes free now. */
  free(): Promise<number>;
  /** Fills the disk so that at most `leaveBytes` stay free (tmpfs counts whole 4 kB pages). */
  fill(leaveBytes?: number): Promise<void>;
  /** Removes the filler. */
  empty(): Promise<void>;
  unmount(): Promise<void>;
}

/** Why no small disk can be mounted here, or null when it can. */
export function smallDiskUnavailable(): string | null {
  if (process.platform !== 'linux') return 'a tmpfs needs Linux';
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root';
  return null;
}

export async function mountSmallDisk(megabytes = 3): Promise<SmallDisk> {
  const dir = await mkdtemp(join(tmpdir(), 'runlab-small-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${megabytes}m`, 'tmpfs', dir]);
  const filler = join(dir, '.filler');
  const free = async (): Promise<number> => {
    const s = await statfs(dir);
    return s.bavail * s.bsize;
  };
  return {
    dir,
    free,
    async fill(leaveBytes = 0) {
      const handle = await open(filler, 'a');
      try {
        const block = Buffer.alloc(64 * 1024, 1);
        for (;;) {
          const room = (await free()) - leaveBytes;
          if (room <= 0) break;
          try {
            await handle.write(block, 0, Math.min(block.length, Math.max(4096, room)));
          } catch (error) {
            if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
            throw error;
          }
        }
      } finally {
        await handle.close();
      }
    },
    async empty() {
      await rm(filler, { force: true });
    },
    async unmount() {
      execFileSync('umount', [dir]);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
