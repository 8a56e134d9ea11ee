/**
 * Issue 12's fault suite, kill -9: of the host (`runlab serve`, a real process with a real
 * trainer training a real run) and of the trainer. What is stored survives whole — the rows
 * so far (no bad line), the last checkpoint (loadable, no leftovers) — and the next start
 * lists the run as interrupted or failed with the reason, readable in pages and views.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { DEFAULT_HYPERPARAMS } from '../../src/shared/hyperparams';
import { LabService } from '../../src/main/lab';
import { RunStore } from '../../src/main/runs/store/store';
import { ROOT } from '../helpers/runlab-cli';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

async function until(check: () => Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `runlab serve --port 0` on `home`; resolves with the process and its URL. */
async function serve(home: string) {
  const child = spawn(process.execPath, ['bin/runlab.js', 'serve', '--port', '0'], {
    cwd: ROOT,
    env: { ...process.env, RUNLAB_HOME: home },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  cleanups.push(async () => void child.kill('SIGKILL'));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const line = out.split('\n').find((l) => l.startsWith('http://'));
      if (line) resolve(line.trim());
    });
    child.once('exit', (code) => reject(new Error(`serve exited (${code})`)));
  });
  return { child, url: new URL(url) };
}

function call(ws: WebSocket, method: string, params: unknown): Promise<{ ok: boolean; value?: unknown }> {
  const id = Math.floor(Math.random() * 1e9);
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const m = JSON.parse(data.toString()) as { id?: number; ok: boolean; value?: unknown };
      if (m.id !== id) return;
      ws.off('message', onMessage);
      resolve(m);
    };
    ws.on('message', onMessage);
    ws.send(JSON.stringify({ id, method, params }));
  });
}

const modelLeftovers = async (home: string, id: string) =>
  (await readdir(join(home, 'runs', id, 'model')).catch(() => [] as string[])).filter((n) => /\.(tmp|ready|old)-/.test(n));

describe('kill -9', () => {
  it('of the host while a real run trains: the next start lists it interrupted, rows and last checkpoint whole', async () => {
    const home = await mkdtemp(join(tmpdir(), 'runlab-kill-host-'));
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    const { child, url } = await serve(home);
    const ws = new WebSocket(`ws://${url.host}/ws?token=${url.searchParams.get('token')}`, { origin: url.origin });
    await new Promise((resolve) => ws.once('open', resolve));
    cleanups.push(async () => ws.terminate());
    const started = await call(ws, 'startRun', { config: { ...DEFAULT_HYPERPARAMS, epochs: 50, batchSize: 256 }, name: 'killed host' });
    const id = (started.value as { id: string }).id;
    const store = new RunStore(home);
    // At least one checkpoint (after epoch 1) and more rows after it.
    await until(
      async () => (await readdir(join(home, 'runs', id, 'model')).catch(() => [] as string[])).includes('last'),
      'the first checkpoint',
    );
    const rowsAtCheckpoint = (await store.metricsStatus(id)).rows;
    await until(async () => (await store.metricsStatus(id)).rows > rowsAtCheckpoint + 20, 'more rows');
    child.kill('SIGKILL');
    await new Promise((resolve) => child.once('exit', resolve));
    // The orphaned trainer notices its parent is gone and exits; its rows stop growing.
    let rows = -1;
    await until(async () => {
      const now = (await store.metricsStatus(id)).rows;
      const settled = now === rows;
      rows = now;
      await new Promise((r) => setTimeout(r, 500));
      return settled;
    }, 'the trainer to stop');

    const service = await LabService.open({ dataDir: home });
    cleanups.push(() => service.close());
    const run = await service.call('getRun', { id });
    expect(run.status).toBe('interrupted');
    expect(run.error).toMatch(/^Interrupted: the process supervising this run \(pid \d+\) ended before the run finished$/);
    const status = await service.store.metricsStatus(id);
    expect(status.skippedLines).toBe(0);
    expect(status.rows).toBeGreaterThan(rowsAtCheckpoint);
    const page = await service.call('getMetricsPage', { id, offset: 0, limit: 10_000, kind: 'iter' });
    expect(page.rows.map((r) => r.iter)).toEqual(Array.from({ length: page.rows.length }, (_, i) => i + 1));
    expect((await service.call('getMetricsView', { ids: [id], buckets: 50 }))[id]!.rows).toBe(status.rows);
    expect(await modelLeftovers(home, id)).toEqual([]);
    const { loadModel } = await import('../../src/main/training/models/load-model');
    const { initBackend } = await import('../../src/main/training/backend');
    await initBackend('cpu');
    const model = await loadModel(join(home, 'runs', id, 'model', 'last'));
    expect(model.namedWeights.length).toBeGreaterThan(0);
    model.dispose();
  });

  it('of the trainer while it saves checkpoints: failed with the signal, the last checkpoint whole', async () => {
    const home = await mkdtemp(join(tmpdir(), 'runlab-kill-trainer-'));
    cleanups.push(() => rm(home, { recursive: true, force: true }));
    const service = await LabService.open({ dataDir: home });
    cleanups.push(() => service.close());
    // Short epochs (4 batches of 2048 samples): a checkpoint every few hundred milliseconds.
    const run = await service.call('startRun', { config: { ...DEFAULT_HYPERPARAMS, epochs: 200, batchSize: 2048, hidden: [512] } });
    await until(async () => (await service.store.metricsStatus(run.id)).epochRows >= 3, 'three epochs');
    process.kill(service.supervisor.trainerPid(run.id)!, 'SIGKILL');
    const final = await service.supervisor.whenSettled(run.id);
    expect(final.status).toBe('failed');
    expect(final.error).toContain('SIGKILL');
    expect(await modelLeftovers(home, run.id)).toEqual([]);
    expect((await readdir(join(home, 'runs', run.id, 'model'))).sort()).toEqual(expect.arrayContaining(['best', 'last']));
    expect((await service.store.metricsStatus(run.id)).skippedLines).toBe(0);
  });
});
