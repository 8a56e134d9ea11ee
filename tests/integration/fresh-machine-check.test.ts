/**
 * scripts/fresh-machine-check.sh hides a system Chromium the way a fresh machine lacks it. In a
 * mount namespace of the test's own, /usr/bin/chromium is made to exist (an overlay adds it), and
 * the e2e fixture then picks it as the system browser; the script, run inside, hides it again and
 * the fixture falls back to @sparticuz/chromium. The full check (`scripts/fresh-machine-check.sh`
 * without --probe) runs every Playwright spec that way; see the README's Tests section.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/runlab-cli';

const canUnshare = spawnSync('unshare', ['--mount', '--propagation', 'private', 'true']).status === 0;
const scratch = mkdtempSync(join(tmpdir(), 'runlab-fresh-machine-'));

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const PROBE = `import('./tests/e2e/fixtures/chromium.ts').then((m) => console.log('Chromium source: ' + m.CHROMIUM_SOURCE + ' (' + m.CHROMIUM_PATH + ')'))`;

describe.skipIf(!canUnshare)('fresh-machine-check.sh (needs unshare --mount: root or CAP_SYS_ADMIN)', () => {
  it('hides a system /usr/bin/chromium, so the specs get the npm package’s browser', () => {
    mkdirSync(join(scratch, 'upper'));
    mkdirSync(join(scratch, 'work'));
    symlinkSync('/bin/true', join(scratch, 'upper/chromium'));
    const inNamespace = [
      `mount -t overlay with-chromium -o lowerdir=/usr/bin,upperdir=${scratch}/upper,workdir=${scratch}/work /usr/bin`,
      'test -e /usr/bin/chromium',
      `npx tsx -e "${PROBE}"`,
      'RUNLAB_CHROMIUM=/somewhere/else scripts/fresh-machine-check.sh --probe',
    ].join(' && ');
    const output = execFileSync('unshare', ['--mount', '--propagation', 'private', 'bash', '-c', inNamespace], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, RUNLAB_CHROMIUM: '' },
    });
    expect(output.trim().split('\n')).toEqual([
      'Chromium source: system (/usr/bin/chromium)',
      'fresh-machine-check: hid /usr/bin/chromium',
      `Chromium source: @sparticuz/chromium (/tmp/chromium)`,
    ]);
  });
});
