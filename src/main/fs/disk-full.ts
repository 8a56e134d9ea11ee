/**
 * A full disk (or an exhausted quota) as the error a person can act on: "disk full while
 * writing <file>". Node's own message ("ENOSPC: no space left on device, write") names no file.
 */
export const DISK_FULL_CODES: ReadonlySet<string> = new Set(['ENOSPC', 'EDQUOT']);

export function isDiskFull(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' && DISK_FULL_CODES.has(code);
}

/** How every disk-full message starts. */
export const DISK_FULL_PREFIX = 'disk full while writing ';

export class DiskFullError extends Error {
  override readonly name = 'DiskFullError';
  readonly code = 'ENOSPC';
  constructor(readonly file: string) {
    super(`${DISK_FULL_PREFIX}${file}`);
  }
}

/** Runs a write; a disk-full failure comes back as a DiskFullError naming `file`, others as they were. */
export async function namingFullDisk<T>(file: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof DiskFullError || !isDiskFull(error)) throw error;
    throw new DiskFullError(file);
  }
}
