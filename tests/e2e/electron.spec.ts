/**
 * The desktop app through Playwright's _electron: the window, its security settings, the
 * preload's surface, blocked popups and navigation, and one real run. Skipped (with the
 * reason) where Electron cannot start: this machine installs it offline, so its binary was
 * never downloaded. They run wherever the binary and a display exist.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { electronStatus } from '../../scripts/electron-status.js';
import { LAB_METHODS, type LabApi } from '../../src/shared/api';
import type { RunRecord } from '../../src/shared/records';

const electron = electronStatus();
test.skip(!electron.ok, `Electron cannot start here: ${electron.ok ? '' : electron.reason}. These specs run wherever it can.`);

const root = join(import.meta.dirname, '../..');
let app: ElectronApplication;
let page: Page;
let userData: string;

test.beforeAll(async () => {
  userData = await mkdtemp(join(tmpdir(), 'runlab-electron-'));
  app = await _electron.launch({ args: [root], cwd: root, env: { ...process.env, RUNLAB_USER_DATA_DIR: userData } });
  page = await app.firstWindow();
  await page.waitForLoadState('domcontentloaded');
});

test.afterAll(async () => {
  await app?.close();
  if (userData) await rm(userData, { recursive: true, force: true });
});

test('opens one window titled Runlab, 1280×800 with a 1024×700 minimum', async () => {
  await expect(page).toHaveTitle('Runlab');
  const bounds = await app.evaluate(({ BrowserWindow }) => {
    const windows = BrowserWindow.getAllWindows();
    return { count: windows.length, size: windows[0]!.getSize(), min: windows[0]!.getMinimumSize() };
  });
  expect(bounds).toEqual({ count: 1, size: [1280, 800], min: [1024, 700] });
});

test('the renderer is isolated, sandboxed and without Node', async () => {
  const prefs = await app.evaluate(({ BrowserWindow }) => {
    // Undocumented in the typings, present at runtime: the preferences the renderer really got.
    const contents = BrowserWindow.getAllWindows()[0]!.webContents as unknown as {
      getLastWebPreferences(): Record<string, unknown> | null;
    };
    const p = contents.getLastWebPreferences();
    return { contextIsolation: p?.contextIsolation, sandbox: p?.sandbox, nodeIntegration: p?.nodeIntegration, webSecurity: p?.webSecurity };
  });
  expect(prefs).toEqual({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true });
  const globals = await page.evaluate(() => ({
    require: typeof (globalThis as { require?: unknown }).require,
    process: typeof (globalThis as { process?: unknown }).process,
  }));
  expect(globals).toEqual({ require: 'undefined', process: 'undefined' });
});

test('window.lab exposes exactly the LabApi methods and on()', async () => {
  const keys = await page.evaluate(() => Object.keys((globalThis as unknown as { lab: object }).lab).sort());
  expect(keys).toEqual([...LAB_METHODS, 'on'].sort());
});

test('window.open and navigation away are blocked', async () => {
  const opened = await page.evaluate(() => (globalThis as unknown as { open(url: string): unknown }).open('https://example.com/') === null);
  expect(opened).toBe(true);
  const before = page.url();
  await page.evaluate(() => {
    (globalThis as unknown as { location: { href: string } }).location.href = 'https://example.com/';
  });
  await page.waitForTimeout(500);
  expect(page.url()).toBe(before);
  expect(await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length)).toBe(1);
});

test('a run starts and completes (stop after 5 iterations)', async () => {
  test.setTimeout(120_000);
  const started = await page.evaluate(async () => {
    const lab = (globalThis as unknown as { lab: LabApi }).lab;
    return lab.startRun({ config: { epochs: 1, stopAfter: 5 }, name: 'e2e electron run' });
  });
  expect(started.status).toMatch(/queued|running/);
  await expect
    .poll(
      async () =>
        page.evaluate(
          async (id) => ((await (globalThis as unknown as { lab: LabApi }).lab.getRun({ id })) as RunRecord).status,
          started.id,
        ),
      { timeout: 100_000, intervals: [500] },
    )
    .toBe('completed');
  const rows = await page.evaluate(
    async (id) =>
      (await (globalThis as unknown as { lab: LabApi }).lab.getMetrics({ ids: [id] }))[id]!.filter((r) => r.kind === 'iter').length,
    started.id,
  );
  expect(rows).toBe(5);
});
