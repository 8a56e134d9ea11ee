/**
 * hostToken: the web host's access token, kept in the data folder (`host-token`, readable
 * by its owner only) so a restarted host accepts the tabs and bookmarks of the person who
 * started it. A file another user could read — or that is not a token — is never trusted:
 * a fresh token replaces it. `rotate` makes a new one on purpose (every old URL stops).
 */
import { chmod, mkdir, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { newToken } from './access';

export const TOKEN_FILE = 'host-token';
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{32,128}$/;

export async function hostToken(dataDir: string, opts: { rotate?: boolean } = {}): Promise<string> {
  const file = join(dataDir, TOKEN_FILE);
  if (!opts.rotate) {
    const kept = await readPrivateToken(file);
    if (kept !== null) return kept;
  }
  const token = newToken();
  await mkdir(dataDir, { recursive: true });
  await writePrivate(file, `${token}\n`);
  return token;
}

/** The token in `file`, or null when it is missing, malformed, or readable by anyone but its owner. */
async function readPrivateToken(file: string): Promise<string | null> {
  try {
    const info = await stat(file);
    const uid = process.getuid?.();
    // POSIX only: group or others may read it, or someone else owns it → not ours to trust.
    if (process.platform !== 'win32' && ((info.mode & 0o077) !== 0 || (uid !== undefined && info.uid !== uid))) return null;
    const token = (await readFile(file, 'utf8')).trim();
    return TOKEN_PATTERN.test(token) ? token : null;
  } catch {
    return null;
  }
}

/** Written to a temp file created 0600, then renamed over: never readable by others, even for a moment. */
async function writePrivate(file: string, text: string): Promise<void> {
  const temp = `${file}.tmp-${process.pid}`;
  await unlink(temp).catch(() => undefined);
  const handle = await open(temp, 'wx', 0o600);
  try {
    await handle.writeFile(text, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  // The umask cannot widen 0600, but a file system may ignore the mode: set it again.
  await chmod(temp, 0o600);
  await rename(temp, file);
}
