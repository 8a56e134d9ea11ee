/** The web host's token kept in the data folder: reused across starts, private, replaced when not trustworthy. */
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { hostToken, TOKEN_FILE } from '../../../src/main/host/host-token';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlab-token-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(process.platform === 'win32')('hostToken', () => {
  it('makes a token on first start, readable by its owner only, and gives the same one after a restart', async () => {
    const home = join(dir, 'not-yet-made');
    const first = await hostToken(home);
    expect(first).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const file = join(home, TOKEN_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect((await readFile(file, 'utf8')).trim()).toBe(first);
    expect(await hostToken(home)).toBe(first);
  });

  it('replaces a token file others can read, or one that is not a token, and rotates on request', async () => {
    const first = await hostToken(dir);
    const file = join(dir, TOKEN_FILE);
    await chmod(file, 0o644);
    const second = await hostToken(dir);
    expect(second).not.toBe(first);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    await writeFile(file, 'short\n', { mode: 0o600 });
    expect(await hostToken(dir)).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const kept = await hostToken(dir);
    expect(await hostToken(dir, { rotate: true })).not.toBe(kept);
  });
});
