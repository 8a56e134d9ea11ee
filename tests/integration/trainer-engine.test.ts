/**
 * The real trainer process running the real engine (TensorFlow.js, the shipped MNIST
 * sample) under the supervisor, with a real store: short jobs (--stop-after) so each case
 * takes seconds.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabError, type LabEventName, type LabEvents } from '../../src/shared/api';
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../src/shared/hyperparams';
import type { MetricRow } from '../../src/shared/records';
import { RunStore } from '../../src/main/runs/store/store';
import { RunSupervisor } from '../../src/main/runs/supervisor';
import { ChildProcessLauncher } from '../../src/main/runs/trainer/trainer-launcher';

const SHARED_CACHE = join(tmpdir(), 'runlab-test-data-cache');

let dataDir: string;
let store: RunStore;
let supervisor: RunSupervisor;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'runlab-engine-'));
  store = new RunStore(dataDir);
  // One decoded-dataset cache for every case here (each data folder would otherwise rebuild it).
  supervisor = new RunSupervisor(store, new ChildProcessLauncher({ stdout: 'ignore' }), { cacheDir: SHARED_CACHE });
});

afterEach(async () => {
  await supervisor.close();
  await rm(dataDir, { recursive: true, force: true });
});

function watch(s: RunSupervisor) {
  const rows = new Map<string, MetricRow[]>();
  const firstRowAt = new Map<string, number>();
  s.subscribe(<E extends LabEventName>(event: E, payload: LabEvents[E]) => {
    if (event !== 'run:metrics') return;
    const { id, rows: batch } = payload as LabEvents['run:metrics'];
    if (!firstRowAt.has(id)) firstRowAt.set(id, performance.now());
    rows.set(id, [...(rows.get(id) ?? []), ...batch]);
  });
  return { rows: (id: string) => rows.get(id) ?? [], firstRowAt };
}

const job = (change: Partial<Hyperparams>): Hyperparams => ({ ...DEFAULT_HYPERPARAMS, epochs: 1, ...change });

describe('trainer process with the real engine', () => {
  it('keeps the decoded-dataset cache in the data folder unless told otherwise', async () => {
    const own = new RunSupervisor(store, new ChildProcessLauncher({ stdout: 'ignore' }));
    const run = await own.start(job({ stopAfter: 2 }));
    expect((await own.whenSettled(run.id)).status).toBe('completed');
    expect((await readdir(join(dataDir, 'cache'))).length).toBeGreaterThan(0);
    await own.close();
  });

  it('stores a diverged run as failed with the reason, its rows kept', async () => {
    const run = await supervisor.start(job({ hidden: [1000, 1000], lr: 10 }));
    const done = await supervisor.whenSettled(run.id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(
      /^Training diverged \(the smoothed loss reached .+ at iteration \d+, over 4× its best .+\); try a lower learning rate, e\.g\. 1 instead of 10$/,
    );
    expect(done.summary?.stopped_by).toBe('diverged');
    const stored = await store.get(run.id);
    expect(stored.status).toBe('failed');
    // The rows up to the blow-up are kept: the last loss is far above the first.
    const losses = (await store.readMetrics(run.id)).flatMap((r) => (r.kind === 'iter' && r.loss !== null ? [r.loss] : []));
    expect(losses.at(-1)!).toBeGreaterThan(4 * losses[0]!);
  });

  it('streams exactly the rows it stores, and records backend, device and summary', async () => {
    const seen = watch(supervisor);
    const t0 = performance.now();
    const run = await supervisor.start(job({ stopAfter: 60 }), { name: 'engine' });
    const final = await supervisor.whenSettled(run.id);
    const total = (performance.now() - t0) / 1000;
    expect(final.error).toBeNull();
    expect(final.status).toBe('completed');
    expect(final.backend).toMatch(/^(wasm|cpu|tensorflow)$/);
    expect(final.device).toBeTruthy();
    expect(final.summary).toMatchObject({ iterations: 60 });

    const stored = await store.readMetrics(run.id);
    const iters = stored.filter((r) => r.kind === 'iter');
    expect(iters.map((r) => r.iter)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect(seen.rows(run.id)).toEqual(stored);
    const firstRow = (seen.firstRowAt.get(run.id)! - t0) / 1000;
    console.log(`real engine: start → first row ${firstRow.toFixed(2)} s, start → completed ${total.toFixed(2)} s (${final.device})`);
  });

  it("keeps the last finished epoch's metrics and the best valid accuracy in the run's progress", async () => {
    const run = await supervisor.start(job({ epochs: 3, batchSize: 1000 }));
    const final = await supervisor.whenSettled(run.id);
    expect(final.status).toBe('completed');
    const epochs = (await store.readMetrics(run.id)).filter((r) => r.kind === 'epoch');
    expect(epochs).toHaveLength(3);
    const last = epochs.at(-1)!;
    const stored = await store.get(run.id);
    expect(stored.progress?.latest).toEqual({
      train_loss: last.train_loss,
      train_accuracy: last.train_accuracy,
      valid_loss: last.valid_loss,
      valid_accuracy: last.valid_accuracy,
    });
    expect(stored.progress?.best_valid_accuracy).toBe(Math.max(...epochs.map((e) => e.valid_accuracy!)));
  });

  it('cancels a running run within 2 s, keeping its rows and the last model', async () => {
    const seen = watch(supervisor);
    const run = await supervisor.start(job({ epochs: 50 }));
    await until(() => seen.rows(run.id).filter((r) => r.kind === 'iter').length >= 30);
    const asked = performance.now();
    await supervisor.cancel(run.id);
    const final = await supervisor.whenSettled(run.id);
    const took = performance.now() - asked;
    console.log(`real engine: cancel → cancelled in ${Math.round(took)} ms`);
    expect(took).toBeLessThan(2000);
    expect(final).toMatchObject({ status: 'cancelled', error: null });
    const stored = await store.readMetrics(run.id);
    expect(stored.length).toBeGreaterThanOrEqual(30);
    expect(seen.rows(run.id)).toEqual(stored);
    const modelDir = store.modelDir(run.id);
    expect(await readdir(modelDir)).toContain('last');
    expect(existsSync(join(modelDir, 'last', 'model.json'))).toBe(true);
  });

  it('kill -9 of the trainer mid-run: failed naming the signal, rows kept, the queued run then completes', async () => {
    const seen = watch(supervisor);
    const victim = await supervisor.start(job({ epochs: 50 }));
    const next = await supervisor.start(job({ stopAfter: 10 }));
    await until(() => seen.rows(victim.id).length >= 20);
    process.kill(supervisor.trainerPid(victim.id)!, 'SIGKILL');
    const failed = await supervisor.whenSettled(victim.id);
    expect(failed.status).toBe('failed');
    expect(failed.error).toContain('SIGKILL');
    expect((await store.readMetrics(victim.id)).length).toBeGreaterThanOrEqual(20);
    const done = await supervisor.whenSettled(next.id);
    expect(done.status).toBe('completed');
    expect(Date.parse(done.started!)).toBeGreaterThanOrEqual(Date.parse(failed.ended!));
  });

  it('the trainer refuses a start message that fails validation, reports it and exits 1', async () => {
    const handle = new ChildProcessLauncher({ stdout: 'ignore' }).launch();
    const messages: unknown[] = [];
    handle.onMessage((m) => messages.push(m));
    const exit = new Promise<number | null>((resolve) => handle.onExit((code) => resolve(code)));
    handle.send({ type: 'start', runId: 'r1', config: { ...DEFAULT_HYPERPARAMS, lr: -1 }, modelDir: null, cacheDir: null });
    expect(await exit).toBe(1);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({
      type: 'error',
      message: expect.stringMatching(/^trainer protocol error: config\.lr: Learning rate must be greater than 0/),
    });
  });

  it('refuses a data folder that does not exist before creating a run, naming the field', async () => {
    const before = (await store.list()).length;
    const missing = join(dataDir, 'no-such-folder');
    const error = await supervisor.start(job({ dataset: 'idx', dataPath: missing })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect(error).toMatchObject({
      code: 'invalid',
      field: 'dataPath',
      errors: [{ field: 'dataPath', message: `Folder not found: ${missing}` }],
    });
    const file = join(dataDir, 'a-file.csv');
    await writeFile(file, 'label,x\n1,2\n');
    await expect(supervisor.start(job({ dataset: 'idx', dataPath: file }))).rejects.toThrow(
      `${file} is a file; expected a folder of IDX files`,
    );
    await expect(supervisor.start(job({ dataset: 'csv', dataPath: dataDir }))).rejects.toThrow(
      `${dataDir} is a folder; expected a CSV file`,
    );
    expect((await store.list()).length).toBe(before);
  });

  it('fails a run whose data cannot be read with the data error, one line', async () => {
    const empty = join(dataDir, 'empty-idx-folder');
    await mkdir(empty, { recursive: true });
    const run = await supervisor.start(job({ dataset: 'idx', dataPath: empty }));
    const final = await supervisor.whenSettled(run.id);
    expect(final.status).toBe('failed');
    expect(final.error).toContain('empty-idx-folder');
    expect(final.error).not.toContain('\n');
  });
});

async function until(condition: () => boolean, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
