/**
 * The Electron audit (scripts/electronegativity.js) fails on an insecure window and passes
 * on this app's own shell files — offline, with the reviewed findings shown, not hidden.
 */
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = join(import.meta.dirname, '../../..');
const audit = (dir: string) =>
  promisify(execFile)(process.execPath, [join(root, 'scripts/electronegativity.js'), dir], { cwd: root }).then(
    (r) => ({ code: 0, out: r.stdout }),
    (e: { code: number; stdout: string }) => ({ code: e.code, out: e.stdout }),
  );

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlab-audit-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('electronegativity audit', () => {
  it('fails on a window without isolation, sandbox or navigation limits', async () => {
    const bad = join(dir, 'bad');
    await mkdir(bad);
    await writeFile(
      join(bad, 'main.ts'),
      "import { BrowserWindow } from 'electron';\nnew BrowserWindow({ webPreferences: { nodeIntegration: true, contextIsolation: false, sandbox: false } });\n",
    );
    const { code, out } = await audit(bad);
    expect(code).toBe(1);
    expect(out).toMatch(/HIGH\s+CONTEXT_ISOLATION_JS_CHECK/);
    expect(out).toMatch(/HIGH\s+LIMIT_NAVIGATION_GLOBAL_CHECK/);
    expect(out).toContain('FAILED: 2 HIGH finding(s)');
  });

  it("passes on Runlab's shell, listing what was reviewed", async () => {
    const good = join(dir, 'good');
    for (const file of ['main/index.ts', 'main/window.ts', 'main/ipc.ts', 'main/csp.ts', 'preload/index.ts', 'renderer/index.html']) {
      await cp(join(root, 'src', file), join(good, file));
    }
    const { code, out } = await audit(good);
    expect(code).toBe(0);
    expect(out).toContain('No HIGH-severity findings.');
    expect(out).toMatch(/PRELOAD_JS_CHECK\s+\S+main\/window\.ts:\d+/);
    expect(out).toContain('reviewed: a reminder to review the preload');
    expect(out).not.toContain('AUXCLICK_JS_CHECK');
  });
});
