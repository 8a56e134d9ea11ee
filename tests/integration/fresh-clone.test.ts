/**
 * The README's commands on a fresh clone (a copy of this checkout without out/): `runlab serve`
 * builds the UI first, saying so on stderr, then prints its URL and serves the page; `runlab
 * start` rebuilds when a source changed and, with no display for Electron, serves the same UI.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyCheckout } from '../helpers/checkout-copy';

let clone: string;
let home: string;

beforeAll(async () => {
  clone = await mkdtemp(join(tmpdir(), 'runlab-fresh-clone-'));
  home = await mkdtemp(join(tmpdir(), 'runlab-fresh-home-'));
  copyCheckout(clone);
});

afterAll(async () => {
  await rm(clone, { recursive: true, force: true });
  await rm(home, { recursive: true, force: true });
});

/** Runs `runlab <command> --port 0` in the clone until it prints its URL; returns the URL, stderr so far and a stop function. */
async function serveFromClone(command: 'serve' | 'start') {
  const { DISPLAY: _display, WAYLAND_DISPLAY: _wayland, ...env } = process.env;
  const child = spawn(process.execPath, ['bin/runlab.js', command, '--port', '0'], {
    cwd: clone,
    env: { ...env, RUNLAB_HOME: home, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
  if (first.done) throw new Error(`runlab ${command} printed no URL; exit ${await exited}; stderr:\n${stderr}`);
  const stop = async () => {
    child.kill('SIGINT');
    return exited;
  };
  return { url: new URL(first.value as string), stderr: () => stderr, stop };
}

describe('a fresh clone', () => {
  it('runlab serve builds the UI, prints its URL and serves the page', async () => {
    expect(existsSync(join(clone, 'out'))).toBe(false);
    const served = await serveFromClone('serve');
    try {
      expect(served.stderr()).toContain('Building the app (out/main/index.js is missing)…');
      expect(served.stderr()).toMatch(/Built the app in \d+\.\d s\./);
      expect(served.url.hostname).toBe('127.0.0.1');
      expect(served.url.searchParams.get('token')).toMatch(/^[\w-]{20,}$/);
      expect(existsSync(join(clone, 'out/renderer/index.html'))).toBe(true);

      const page = await fetch(served.url);
      expect(page.status).toBe(200);
      const html = await page.text();
      expect(html).toContain('<title>Runlab</title>');
      const script = /src="\.\/(assets\/index-[\w-]+\.js)"/.exec(html)?.[1];
      expect(script).toBeDefined();
      const bundle = await fetch(new URL(script!, served.url));
      expect(bundle.status).toBe(200);
      expect(bundle.headers.get('content-type')).toMatch(/javascript/);
    } finally {
      expect(await served.stop()).toBe(0);
    }
  }, 180_000);

  it('runlab start rebuilds after a source changed and serves the browser UI where Electron cannot start', async () => {
    // Newer than every output: as if the user had just edited it.
    const later = new Date(Date.now() + 60_000);
    await utimes(join(clone, 'src/renderer/index.html'), later, later);
    const started = await serveFromClone('start');
    try {
      expect(started.stderr()).toContain('Building the app (sources changed since the last build)…');
      expect(started.stderr()).toMatch(/The desktop app cannot start here \(.+\); serving the browser UI instead\./);
      const page = await fetch(started.url);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<title>Runlab</title>');
    } finally {
      expect(await started.stop()).toBe(0);
    }
  }, 180_000);
});
