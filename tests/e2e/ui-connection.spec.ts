/**
 * The host goes away and comes back, as `npm start` runs it: a banner says since when and
 * that actions wait (Start, Stop, row actions are off), the page reconnects by itself to the
 * restarted host with the same token (kept in the data folder, readable by its owner only),
 * and when the token was renewed the error page names `npm start`, the command actually run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, test } from '@playwright/test';
import { seedManyRuns } from '../../bench/synthetic-runs';
import { saveShots } from './ui-helpers';

const ROOT = join(import.meta.dirname, '../..');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/** `npm start -- --port P` in its own process group; resolves with the URL it prints. */
async function npmStart(home: string, port: number, extra: string[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn('npm', ['start', '--silent', '--', '--port', String(port), ...extra], {
    cwd: ROOT,
    env: { ...process.env, RUNLAB_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const line = await Promise.race([
    createInterface({ input: child.stdout! })[Symbol.asyncIterator]().next(),
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`npm start printed no URL in 60 s:\n${stderr}`)), 60_000)),
  ]);
  return { child, url: String(line.value) };
}

/** SIGTERM to the group npm start made (npm, scripts/start.js, runlab serve); waits for it to exit. */
async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch (error) {
    // The group is gone already (npm exited between the check and the kill): nothing to stop.
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return;
    throw error;
  }
  await exited;
  // The group's last member (runlab serve) may outlive npm by a moment: wait for the port to free.
  await new Promise((r) => setTimeout(r, 500));
}

test('connection loss: banner, actions off, reconnect to a restarted host, the command named when the token changed', async ({ page }) => {
  test.setTimeout(180_000);
  const home = await mkdtemp(join(tmpdir(), 'runlab-e2e-conn-'));
  const port = await freePort();
  let host = await npmStart(home, port);
  try {
    await seedManyRuns(home, 3);
    const tokenFile = await stat(join(home, 'host-token'));
    expect(tokenFile.mode & 0o777).toBe(0o600);

    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${host.url}#/new`);
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open');
    await expect(page.getByTestId('start-run')).toBeEnabled();
    // The list has arrived before the host goes (on a loaded machine the reply can trail 'open').
    await page.getByTestId('nav-history').click();
    await expect(page.getByTestId('history-row')).toHaveCount(3);
    await page.getByTestId('nav-new').click();

    // The host stops: a banner, Start off, and in History the actions that need the lab off.
    await stop(host.child);
    const banner = page.getByTestId('connection-banner');
    await expect(banner).toBeVisible({ timeout: 15_000 });
    await expect(banner).toContainText('Lost the connection to the Runlab host at');
    await expect(banner).toContainText('Is `npm start` still running?');
    await expect(page.getByTestId('start-run')).toBeDisabled();
    await page.getByTestId('nav-history').click();
    await expect(page.getByTestId('history-row')).toHaveCount(3);
    await page.getByTestId('history-row').first().getByTestId('row-menu').click();
    await expect(page.getByTestId('menu-delete')).toBeDisabled();
    await expect(page.getByTestId('menu-rename')).toBeDisabled();
    await expect(page.getByTestId('menu-new-from')).toBeEnabled();
    await page.keyboard.press('Escape');
    await saveShots(
      page,
      'connection-lost',
      [
        { width: 1024, height: 700 },
        { width: 1280, height: 800 },
        { width: 1920, height: 1080 },
      ],
      ['light', 'dark'],
    );
    await page.emulateMedia({ colorScheme: 'light' });

    // Started again the same way: the same token, so the tab reconnects on its own.
    host = await npmStart(home, port);
    await page.getByTestId('retry-connection').click();
    await expect(banner).toHaveCount(0, { timeout: 20_000 });
    await expect(page.getByTestId('connection-status')).toHaveAttribute('data-status', 'open');
    await expect(page.getByTestId('history-row')).toHaveCount(3);
    await page.getByTestId('nav-new').click();
    await expect(page.getByTestId('start-run')).toBeEnabled();

    // A renewed token: the page says so and names the command that started the host.
    await stop(host.child);
    host = await npmStart(home, port, ['--new-token']);
    await expect(page.getByTestId('lab-unavailable')).toBeVisible({ timeout: 30_000 });
    await expect(page.getByTestId('lab-unavailable')).toContainText('Open the address that `npm start` printed');
    await expect(page.getByTestId('lab-unavailable')).not.toContainText('runlab serve');
    // A bookmark without a token: the page asks the host how it was started.
    await page.goto(`http://127.0.0.1:${port}/#/history`);
    await expect(page.getByTestId('host-command')).toHaveText('npm start');
    await saveShots(page, 'connection-no-token', [{ width: 1024, height: 700 }]);
  } finally {
    await stop(host.child);
    await rm(home, { recursive: true, force: true });
  }
});
