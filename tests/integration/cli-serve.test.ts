/**
 * `runlab serve` for real: the URL on a line of its own, the UI served from it, LabApi over
 * its WebSocket backed by the CLI's LabService, and a clean stop on Ctrl-C.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-serve-'));
  await writeFile(join(home, 'index.html'), '<!doctype html><title>runlab test ui</title>');
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('runlab serve', () => {
  it('prints the URL, serves the UI and LabApi, and stops on Ctrl-C', async () => {
    const child = spawn(
      process.execPath,
      ['bin/runlab.js', '--data-dir', join(home, 'data'), 'serve', '--port', '0', '--static-dir', home],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const first = await createInterface({ input: child.stdout })[Symbol.asyncIterator]().next();
    const url = new URL(first.value as string);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.searchParams.get('token')).toMatch(/^[\w-]{20,}$/);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('runlab test ui');

    const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const reply = new Promise<unknown>((resolve) => ws.once('message', (data) => resolve(JSON.parse(data.toString()))));
    ws.send(JSON.stringify({ id: 1, method: 'getRun', params: { id: 'nope' } }));
    expect(await reply).toMatchObject({ id: 1, ok: false, error: { code: 'not_found' } });
    ws.close();

    child.kill('SIGINT');
    expect(await exited).toBe(0);
  });
});
