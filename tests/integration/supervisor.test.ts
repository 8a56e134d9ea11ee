/**
 * RunSupervisor with real trainer processes (a protocol-speaking fake trainer, so each case
 * takes milliseconds) and a real RunStore in a temp folder.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabError, type LabEventName, type LabEvents } from '../../src/shared/api';
import { DEFAULT_HYPERPARAMS } from '../../src/shared/hyperparams';
import type { MetricRow, RunRecord } from '../../src/shared/records';
import { RunStore } from '../../src/main/runs/store/store';
import { RunSupervisor, type SupervisorOptions } from '../../src/main/runs/supervisor';
import { ChildProcessLauncher, type TrainerLauncher } from '../../src/main/runs/trainer/trainer-launcher';

const FAKE_TRAINER = fileURLToPath(new URL('./helpers/fake-trainer.mjs', import.meta.url));

interface FakeOptions {
  mode?: 'stream' | 'ignore-cancel' | 'garbage' | 'not-an-object' | 'crash' | 'error';
  iters?: number;
  epochs?: number;
  rowsPerMessage?: number;
  delayMs?: number;
  loading?: number;
}

function fake(options: FakeOptions = {}): ChildProcessLauncher {
  return new ChildProcessLauncher({
    modulePath: FAKE_TRAINER,
    stdout: 'ignore',
    env: { ...process.env, FAKE_TRAINER: JSON.stringify(options) },
  });
}

/** Real launchers taken in turn: the first run gets the first behaviour, and so on. */
function inTurn(...launchers: TrainerLauncher[]): TrainerLauncher {
  let next = 0;
  return { launch: () => launchers[Math.min(next++, launchers.length - 1)]!.launch() };
}

let dataDir: string;
let store: RunStore;
let supervisor: RunSupervisor | null = null;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'runlab-supervisor-'));
  store = new RunStore(dataDir);
});

afterEach(async () => {
  await supervisor?.close();
  supervisor = null;
  await rm(dataDir, { recursive: true, force: true });
});

function open(launcher: TrainerLauncher, options: SupervisorOptions = {}): RunSupervisor {
  supervisor = new RunSupervisor(store, launcher, options);
  return supervisor;
}

/** Everything a subscriber receives, per event name. */
function record(s: RunSupervisor) {
  const events: Array<{ event: LabEventName; payload: unknown; at: number }> = [];
  s.subscribe(<E extends LabEventName>(event: E, payload: LabEvents[E]) => events.push({ event, payload, at: Date.now() }));
  return {
    events,
    rows(id: string): MetricRow[] {
      return events
        .filter((e) => e.event === 'run:metrics' && (e.payload as LabEvents['run:metrics']).id === id)
        .flatMap((e) => (e.payload as LabEvents['run:metrics']).rows);
    },
    updates(id: string): RunRecord[] {
      return events.filter((e) => e.event === 'run:updated' && (e.payload as RunRecord).id === id).map((e) => e.payload as RunRecord);
    },
  };
}

const config = { ...DEFAULT_HYPERPARAMS, epochs: 2 };

describe('RunSupervisor', () => {
  it('stores every row and pushes exactly the stored rows, in order', async () => {
    const s = open(fake({ iters: 3000, epochs: 3, rowsPerMessage: 7 }), { flushRows: 50, flushMs: 20 });
    const seen = record(s);
    const t0 = performance.now();
    const run = await s.start(config, { name: 'stream' });
    const final = await s.whenSettled(run.id);
    const seconds = (performance.now() - t0) / 1000;

    expect(final.status).toBe('completed');
    const stored = await store.readMetrics(run.id);
    expect(stored).toHaveLength(3000 + 3);
    expect(seen.rows(run.id)).toEqual(stored);
    expect(stored.filter((r) => r.kind === 'iter').map((r) => r.iter)).toEqual(Array.from({ length: 3000 }, (_, i) => i + 1));
    // Progress pushes are throttled (~4/s), not one per batch.
    const running = seen.updates(run.id).filter((r) => r.status === 'running');
    expect(running.length).toBeLessThan(4 * seconds + 4);
    expect(final.progress).toMatchObject({ iter: 3000, total_iters: 3000, epochs: 3 });
    expect(final.owner_pid).toBeNull();
    console.log(
      `fake trainer → supervisor → store → subscriber: ${Math.round(stored.length / seconds)} rows/s (${stored.length} rows in ${seconds.toFixed(2)} s incl. process start)`,
    );
  });

  it("stores and pushes a run's first rows at once, however long the flush interval; later rows wait for it", async () => {
    const s = open(fake({ iters: 40, epochs: 1, rowsPerMessage: 5, delayMs: 30 }), { flushMs: 60_000 });
    const rec = record(s);
    const run = await s.start(config);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => rec.rows(run.id).length > 0 && (clearInterval(check), resolve()), 10);
    });
    // Only the first message's rows: the next ones wait for the (minute-long) flush interval or the end.
    expect(rec.rows(run.id).map((r) => r.iter)).toEqual([1, 2, 3, 4, 5]);
    expect((await store.readMetrics(run.id)).map((r) => r.iter)).toEqual([1, 2, 3, 4, 5]);
    await s.whenSettled(run.id);
    expect(rec.rows(run.id).filter((r) => r.kind === 'iter')).toHaveLength(40);
  });

  it('sets running, backend, device and started from the trainer, and ended with the summary', async () => {
    const s = open(fake({ iters: 20, epochs: 2 }));
    const seen = record(s);
    const run = await s.start(config);
    expect(run.status).toBe('queued');
    expect(run.owner_pid).toBe(process.pid);
    const final = await s.whenSettled(run.id);
    const running = seen.updates(run.id).find((r) => r.status === 'running');
    expect(running).toMatchObject({ backend: 'cpu', device: 'fake trainer', progress: { total_iters: 20, epochs: 2 } });
    expect(final).toMatchObject({ status: 'completed', backend: 'cpu', error: null, summary: { epochs: 2, iterations: 20 } });
    expect(Date.parse(final.ended!)).toBeGreaterThanOrEqual(Date.parse(final.started!));
    expect(await store.get(run.id)).toEqual(final);
  });

  it('shows decoding progress in the queued run before training, then stores the data the trainer loaded', async () => {
    const s = open(fake({ iters: 10, epochs: 1, loading: 700, delayMs: 60 }), { progressMs: 10 });
    const seen = record(s);
    const run = await s.start(config);
    const final = await s.whenSettled(run.id);
    const loading = seen
      .updates(run.id)
      .filter((r) => r.progress?.loading)
      .map((r) => [r.status, r.progress!.loading!.done, r.progress!.loading!.total]);
    expect(loading.length).toBeGreaterThan(0);
    expect(loading.every(([status, , total]) => status === 'queued' && total === 700)).toBe(true);
    expect(loading.at(-1)![1]).toBe(700);
    // Training has started: the loading line is gone, and what was loaded is on the record.
    const running = seen.updates(run.id).find((r) => r.status === 'running')!;
    expect(running.progress?.loading).toBeUndefined();
    expect(final.data).toMatchObject({ classes: ['cat', 'dog'], image: { width: 28, channels: 1 } });
    expect((await store.get(run.id)).data?.classes).toEqual(['cat', 'dog']);
  });

  it('trains queued runs one after the other with concurrency 1', async () => {
    const s = open(fake({ iters: 200, epochs: 1, delayMs: 1 }));
    const first = await s.start(config);
    const second = await s.start(config);
    expect(s.live(second.id)?.status).toBe('queued');
    const [a, b] = await Promise.all([s.whenSettled(first.id), s.whenSettled(second.id)]);
    expect([a.status, b.status]).toEqual(['completed', 'completed']);
    expect(Date.parse(b.started!)).toBeGreaterThanOrEqual(Date.parse(a.ended!));
  });

  it('runs two at once with concurrency 2', async () => {
    const s = open(fake({ iters: 1_000_000, epochs: 1, rowsPerMessage: 5, delayMs: 5 }), { concurrency: 2 });
    const first = await s.start(config);
    const second = await s.start(config);
    const third = await s.start(config);
    await until(() => s.live(first.id)?.status === 'running' && s.live(second.id)?.status === 'running');
    expect(s.live(third.id)?.status).toBe('queued');
    await Promise.all([first, second, third].map((r) => s.cancel(r.id)));
    const final = await Promise.all([first, second, third].map((r) => s.whenSettled(r.id)));
    expect(final.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    expect(final[2]!.started).toBeNull();
  });

  it('cancels a queued run: it never starts', async () => {
    const s = open(fake({ iters: 300, epochs: 1, delayMs: 2 }));
    const first = await s.start(config);
    const second = await s.start(config);
    const cancelled = await s.cancel(second.id);
    expect(cancelled).toMatchObject({ status: 'cancelled', started: null, owner_pid: null });
    expect((await s.whenSettled(first.id)).status).toBe('completed');
    expect(await store.get(second.id)).toMatchObject({ status: 'cancelled', started: null, backend: null });
    expect(await store.readMetrics(second.id)).toEqual([]);
  });

  it('cancels a running run: the trainer stops and the run ends cancelled with its rows', async () => {
    const s = open(fake({ iters: 100_000, epochs: 1, rowsPerMessage: 5, delayMs: 5 }));
    const seen = record(s);
    const run = await s.start(config);
    await until(() => seen.rows(run.id).length >= 20);
    const asked = performance.now();
    await s.cancel(run.id);
    const final = await s.whenSettled(run.id);
    expect(performance.now() - asked).toBeLessThan(2000);
    expect(final).toMatchObject({ status: 'cancelled', error: null, summary: { stopped_by: 'user' } });
    const stored = await store.readMetrics(run.id);
    expect(stored.length).toBeGreaterThanOrEqual(20);
    expect(seen.rows(run.id)).toEqual(stored);
  });

  it('kills a trainer that ignores cancel after the grace period', async () => {
    const s = open(fake({ mode: 'ignore-cancel' }), { cancelGraceMs: 500 });
    const seen = record(s);
    const run = await s.start(config);
    await until(() => seen.rows(run.id).length >= 3);
    const asked = performance.now();
    await s.cancel(run.id);
    const final = await s.whenSettled(run.id);
    const waited = performance.now() - asked;
    expect(waited).toBeGreaterThanOrEqual(500);
    expect(waited).toBeLessThan(2500);
    expect(final.status).toBe('cancelled');
    expect(final.error).toBe('trainer did not stop within 0.5 s and was killed');
    expect((await store.readMetrics(run.id)).length).toBeGreaterThanOrEqual(3);
  });

  it('fails a run whose trainer sends garbage, naming the protocol', async () => {
    const s = open(inTurn(fake({ mode: 'garbage' }), fake({ mode: 'not-an-object' })));
    const garbage = await s.start(config);
    const text = await s.start(config);
    const [a, b] = await Promise.all([s.whenSettled(garbage.id), s.whenSettled(text.id)]);
    expect(a.status).toBe('failed');
    expect(a.error).toMatch(/^trainer protocol error: rows\.0\./);
    expect(b.status).toBe('failed');
    expect(b.error).toContain('trainer protocol error');
    expect(b.error).toContain('hello from a confused child');
  });

  it('fails a run whose trainer exits without finishing, with the exit code and stderr, then starts the next', async () => {
    const s = open(inTurn(fake({ mode: 'crash' }), fake({ iters: 30, epochs: 1 })));
    const crashed = await s.start(config);
    const next = await s.start(config);
    const a = await s.whenSettled(crashed.id);
    expect(a.status).toBe('failed');
    expect(a.error).toContain('exited with code 3');
    expect(a.error).toContain('fake trainer: something went badly wrong');
    expect((await s.whenSettled(next.id)).status).toBe('completed');
  });

  it('fails a run with the message the trainer reported', async () => {
    const s = open(fake({ mode: 'error' }));
    const run = await s.start(config);
    expect(await s.whenSettled(run.id)).toMatchObject({ status: 'failed', error: 'Data file /nowhere/train.csv not found' });
  });

  it('kill -9 of a trainer mid-run: failed with the signal, rows so far kept, next run completes', async () => {
    const s = open(inTurn(fake({ iters: 100_000, epochs: 1, rowsPerMessage: 5, delayMs: 5 }), fake({ iters: 40, epochs: 2 })));
    const seen = record(s);
    const victim = await s.start(config);
    const next = await s.start(config);
    await until(() => seen.rows(victim.id).length >= 30);
    const pid = s.trainerPid(victim.id)!;
    process.kill(pid, 'SIGKILL');
    const a = await s.whenSettled(victim.id);
    expect(a.status).toBe('failed');
    expect(a.error).toContain('SIGKILL');
    const kept = await store.readMetrics(victim.id);
    expect(kept.length).toBeGreaterThanOrEqual(30);
    expect(seen.rows(victim.id)).toEqual(kept);
    expect((await s.whenSettled(next.id)).status).toBe('completed');
  });

  it('refuses an invalid config naming the field, and creates nothing', async () => {
    const s = open(fake());
    const error = await s.start({ ...config, lr: -1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect(error).toMatchObject({ code: 'invalid', field: 'lr' });
    expect((error as LabError).message).toContain('Learning rate must be greater than 0');
    expect(await store.list()).toEqual([]);
  });

  it('close() stops running trainers and cancels queued runs', async () => {
    const s = open(fake({ iters: 100_000, epochs: 1, rowsPerMessage: 5, delayMs: 5 }));
    const seen = record(s);
    const running = await s.start(config);
    const queued = await s.start(config);
    await until(() => seen.rows(running.id).length > 0);
    await s.close();
    expect((await store.get(running.id)).status).toBe('cancelled');
    expect((await store.get(queued.id)).status).toBe('cancelled');
    await expect(s.start(config)).rejects.toMatchObject({ code: 'unavailable' });
  });
});

async function until(condition: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
