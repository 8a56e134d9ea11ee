/**
 * LabService: the transport-free LabApi, on a real store in a temp folder and real trainer
 * processes (the protocol-speaking fake trainer, so each case takes well under a second).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabError, type LabEventName, type LabEvents } from '../../src/shared/api';
import { DEFAULT_HYPERPARAMS, FIELDS, PRESETS } from '../../src/shared/hyperparams';
import type { MetricRow, RunRecord } from '../../src/shared/records';
import { LabService } from '../../src/main/lab';
import { ChildProcessLauncher } from '../../src/main/runs/trainer/trainer-launcher';
import { writeImageFolder } from '../helpers/image-folders';

const HELPERS = fileURLToPath(new URL('./helpers/', import.meta.url));

function fake(options: Record<string, unknown>): ChildProcessLauncher {
  return new ChildProcessLauncher({
    modulePath: join(HELPERS, 'fake-trainer.mjs'),
    stdout: 'ignore',
    env: { ...process.env, FAKE_TRAINER: JSON.stringify(options) },
  });
}

let dataDir: string;
let service: LabService | null = null;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'runlab-lab-'));
});

afterEach(async () => {
  await service?.close();
  service = null;
  await rm(dataDir, { recursive: true, force: true });
});

async function open(launcher = fake({ iters: 60, epochs: 2 })): Promise<LabService> {
  service = await LabService.open({ dataDir, launcher, flushMs: 10 });
  return service;
}

function collect(s: LabService) {
  const events: Array<{ event: LabEventName; payload: unknown }> = [];
  s.subscribe(<E extends LabEventName>(event: E, payload: LabEvents[E]) => events.push({ event, payload }));
  const rows = (id: string): MetricRow[] =>
    events
      .filter((e) => e.event === 'run:metrics' && (e.payload as LabEvents['run:metrics']).id === id)
      .flatMap((e) => (e.payload as LabEvents['run:metrics']).rows);
  return { events, rows };
}

async function refusal(promise: Promise<unknown>): Promise<LabError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LabError);
  return error as LabError;
}

describe('LabService', () => {
  it('refuses startRun with lr -1 naming the field, and creates no run', async () => {
    const s = await open();
    const error = await refusal(s.call('startRun', { config: { lr: -1 } }));
    expect(error.code).toBe('invalid');
    expect(error.field).toBe('lr');
    expect(error.errors).toEqual([{ field: 'lr', message: 'Learning rate must be greater than 0' }]);
    expect(await s.call('listRuns', {})).toEqual([]);
  });

  it('validates every payload against the request schema and names the field', async () => {
    const s = await open();
    expect(await refusal(s.call('getRun', { id: '../etc' }))).toMatchObject({ code: 'invalid', field: 'id' });
    expect(await refusal(s.call('listRuns', { extra: true }))).toMatchObject({ code: 'invalid' });
    expect(await refusal(s.call('exportRun', { id: 'x', format: 'xml' }))).toMatchObject({ code: 'invalid', field: 'format' });
    expect(await refusal(s.call('getMetrics', { ids: [] }))).toMatchObject({ code: 'invalid', field: 'ids' });
    expect(await refusal(s.call('updateRun', { id: 'x', patch: { name: '' } }))).toMatchObject({ code: 'invalid', field: 'patch.name' });
    expect(await refusal(s.call('getRun', { id: 'no-such-run' }))).toMatchObject({ code: 'not_found' });
    expect(await refusal(s.call('launchRockets' as never, {}))).toMatchObject({ code: 'invalid', field: 'method' });
    expect(await refusal(s.call('toString' as never, {}))).toMatchObject({ code: 'invalid', field: 'method' });
  });

  it('previews a dataset, refusing a bad config or data path with the field named', async () => {
    const s = await open();
    const dir = join(dataDir, 'pets');
    await writeImageFolder(dir, { classes: ['square', 'diagonal'], perClass: 3 });
    const preview = await s.call('previewData', { config: { dataset: 'images', dataPath: dir } });
    expect(preview.classes.map((c) => [c.name, c.count])).toEqual([
      ['diagonal', 3],
      ['square', 3],
    ]);
    expect(preview.samples).toHaveLength(6);
    expect(await refusal(s.call('previewData', { config: 'images' }))).toMatchObject({ code: 'invalid', field: 'config' });
    expect(await refusal(s.call('previewData', { config: { dataset: 'pictures' } }))).toMatchObject({ code: 'invalid', field: 'dataset' });
    const missing = join(dataDir, 'nowhere');
    expect(await refusal(s.call('previewData', { config: { dataset: 'images', dataPath: missing } }))).toMatchObject({
      code: 'invalid',
      field: 'dataPath',
      errors: [{ field: 'dataPath', message: `Folder not found: ${missing}` }],
    });
  });

  it('serves the hyperparameter schema', async () => {
    const s = await open();
    const schema = await s.call('getSchema', {});
    expect(schema.fields.map((f) => f.key)).toEqual(FIELDS.map((f) => f.key));
    expect(schema.defaults).toEqual(DEFAULT_HYPERPARAMS);
    expect(schema.presets).toEqual(PRESETS);
  });

  it('reports backends, the auto pick, versions and where runs are stored', async () => {
    const s = await open();
    const info = await s.call('systemInfo', {});
    expect(info.backends.map((b) => b.name)).toEqual(['tensorflow', 'wasm', 'cpu']);
    expect(info.backends.find((b) => b.name === 'cpu')).toEqual({ name: 'cpu', available: true, reason: null });
    for (const b of info.backends) expect(b.available ? b.reason : typeof b.reason).toBe(b.available ? null : 'string');
    expect(info.autoBackend).toBe(info.backends.find((b) => b.available)!.name);
    expect(info.versions).toMatchObject({ runlab: '0.1.0', tfjs: '4.22.0', node: process.versions.node });
    expect(info).toMatchObject({ dataDir, concurrency: 1, platform: `${process.platform} ${process.arch}` });
  });

  it('runs a job end to end: events, stored metrics, rename, exports', async () => {
    const s = await open();
    const seen = collect(s);
    const run = await s.call('startRun', { config: { epochs: 2 }, name: 'first', tags: ['a'] });
    expect(run).toMatchObject({ status: 'queued', name: 'first', tags: ['a'], config: { ...DEFAULT_HYPERPARAMS, epochs: 2 } });
    const final = await s.supervisor.whenSettled(run.id);
    expect(final.status).toBe('completed');

    const metrics = await s.call('getMetrics', { ids: [run.id, run.id] });
    expect(Object.keys(metrics)).toEqual([run.id]);
    expect(metrics[run.id]).toHaveLength(62);
    expect(seen.rows(run.id)).toEqual(metrics[run.id]);

    const renamed = await s.call('updateRun', { id: run.id, patch: { name: 'renamed', notes: 'good one' } });
    expect(renamed).toMatchObject({ name: 'renamed', notes: 'good one', status: 'completed' });
    expect(await s.call('getRun', { id: run.id })).toEqual(renamed);

    const epochRows = metrics[run.id]!.filter((r) => r.kind === 'epoch').length;
    const csv = await s.call('exportRun', { id: run.id, format: 'csv' });
    expect(csv).toMatchObject({ mime: 'text/csv', filename: 'renamed-epochs.csv' });
    expect(csv.content.trim().split('\n')).toHaveLength(1 + epochRows);
    const iterations = await s.call('exportRun', { id: run.id, format: 'csv', table: 'iterations' });
    expect(iterations.content.trim().split('\n')).toHaveLength(1 + 62 - epochRows);
    const json = await s.call('exportRun', { id: run.id, format: 'json' });
    expect(JSON.parse(json.content)).toMatchObject({ run: { id: run.id, name: 'renamed' } });

    const list = await s.call('listRuns', {});
    expect(list.map((r) => r.id)).toEqual([run.id]);
  });

  it('shows live progress on a running run and deletes it after cancelling it', async () => {
    const s = await open(fake({ iters: 100_000, epochs: 1, rowsPerMessage: 5, delayMs: 5 }));
    const seen = collect(s);
    const run = await s.call('startRun', { config: {} });
    await until(() => seen.rows(run.id).length >= 20);
    await until(() => (s.supervisor.live(run.id)?.progress?.iter ?? 0) >= 20);
    const live = await s.call('getRun', { id: run.id });
    expect(live.status).toBe('running');
    expect(live.progress!.iter).toBeGreaterThanOrEqual(20);
    const listed = (await s.call('listRuns', {}))[0] as RunRecord;
    expect(listed.progress!.iter).toBeGreaterThanOrEqual(20);

    expect(await s.call('deleteRun', { id: run.id })).toEqual({ id: run.id });
    expect(seen.events.at(-1)).toEqual({ event: 'run:deleted', payload: { id: run.id } });
    const cancelled = seen.events.filter((e) => e.event === 'run:updated' && (e.payload as RunRecord).status === 'cancelled');
    expect(cancelled).toHaveLength(1);
    expect(await refusal(s.call('getRun', { id: run.id }))).toMatchObject({ code: 'not_found' });
    expect(await readdir(join(dataDir, 'runs'))).toEqual([]);
  });

  it('changes how many runs train at once, starts a waiting run at once, and remembers it', async () => {
    const s = await open(fake({ iters: 100_000, epochs: 1, rowsPerMessage: 5, delayMs: 5 }));
    const first = await s.call('startRun', { config: {} });
    const second = await s.call('startRun', { config: {} });
    expect(s.supervisor.live(second.id)).toMatchObject({ status: 'queued' });
    expect(s.supervisor.live(second.id)?.phase).toBeUndefined();
    expect(await s.call('setConcurrency', { concurrency: 2 })).toEqual({ concurrency: 2 });
    // The waiting run took the new slot without waiting for the first to end.
    expect(s.supervisor.live(second.id)?.phase).toBe('starting');
    expect((await s.call('systemInfo', {})).concurrency).toBe(2);
    expect(await refusal(s.call('setConcurrency', { concurrency: 0 }))).toMatchObject({
      code: 'invalid',
      field: 'concurrency',
      message: 'setConcurrency: concurrency: Parallel runs must be at least 1',
    });
    for (const run of [first, second]) await s.call('cancelRun', { id: run.id });
    await s.close();
    service = null;
    const again = await open();
    expect((await again.call('systemInfo', {})).concurrency).toBe(2);
  });

  it('queues a sweep as one group, checking every config before making any run', async () => {
    const s = await open();
    const bad = await refusal(s.call('startSweep', { runs: [{ config: { lr: 0.1 } }, { config: { lr: -1 } }] }));
    expect(bad).toMatchObject({ code: 'invalid', field: 'runs.1.lr' });
    expect(bad.message).toBe('Run 2 of the sweep: lr: Learning rate must be greater than 0');
    expect(await s.call('listRuns', {})).toEqual([]);

    const sweep = await s.call('startSweep', {
      runs: [
        { config: { lr: 0.1, seed: 1 }, name: 'a' },
        { config: { lr: 0.5, seed: 1 }, name: 'b' },
      ],
      tags: ['sweep'],
    });
    expect(sweep.group).toMatch(/^sweep-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(sweep.runs.map((r) => [r.name, r.config.lr, r.group, r.tags])).toEqual([
      ['a', 0.1, sweep.group, ['sweep']],
      ['b', 0.5, sweep.group, ['sweep']],
    ]);
    for (const run of sweep.runs) expect((await s.supervisor.whenSettled(run.id)).status).toBe('completed');
    const listed = (await s.call('listRuns', {})) as RunRecord[];
    expect(listed.map((r) => r.group)).toEqual([sweep.group, sweep.group]);
  });

  it('names unnamed sweep runs "<name> <swept values>", unique among the stored runs, with the notes on each', async () => {
    const s = await open();
    const first = await s.call('startSweep', { runs: [{ config: { lr: 0.1 }, swept: { lr: 0.1 } }] });
    expect(first.runs.map((r) => r.name)).toEqual(['sweep lr=0.1']);
    const sweep = await s.call('startSweep', {
      runs: [
        { config: { lr: 0.1, seed: 1 }, swept: { lr: 0.1, seed: 1 } },
        { config: { lr: 0.1, seed: 2 }, swept: { lr: 0.1, seed: 2 } },
        { config: { lr: 0.5, seed: 1 }, name: 'mine' },
      ],
      notes: 'lr × seed',
    });
    expect(sweep.runs.map((r) => [r.name, r.notes])).toEqual([
      ['sweep lr=0.1 seed=1', 'lr × seed'],
      ['sweep lr=0.1 seed=2', 'lr × seed'],
      ['mine', 'lr × seed'],
    ]);
    const again = await s.call('startSweep', { runs: [{ config: { lr: 0.1 }, swept: { lr: 0.1 } }, { config: {} }], name: 'sweep' });
    expect(again.runs.map((r) => r.name)).toEqual(['sweep lr=0.1 #2', 'sweep']);
    for (const run of [...first.runs, ...sweep.runs, ...again.runs]) await s.supervisor.whenSettled(run.id);
  });

  it('deletes a run waiting in the queue without it ever showing as cancelled', async () => {
    const s = await open(fake({ iters: 100_000, epochs: 1, rowsPerMessage: 5, delayMs: 5 }));
    const seen = collect(s);
    const running = await s.call('startRun', { config: {} });
    const waiting = await s.call('startRun', { config: {} });
    expect(await s.call('deleteRun', { id: waiting.id })).toEqual({ id: waiting.id });
    const about = seen.events.filter((e) => (e.payload as { id: string }).id === waiting.id);
    expect(about.map((e) => (e.event === 'run:updated' ? `updated:${(e.payload as RunRecord).status}` : e.event))).toEqual([
      'updated:queued',
      'run:deleted',
    ]);
    expect(await readdir(join(dataDir, 'runs'))).toEqual([running.id]);
  });

  it('marks a run interrupted when its supervising process dies, keeping its rows', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(HELPERS, 'supervise.ts'), dataDir], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const line = (await lines.next()).value as string | undefined;
    const { id, trainerPid } = JSON.parse(line!) as { id: string; trainerPid: number };

    const probe = new (await import('../../src/main/runs/store/store')).RunStore(dataDir);
    await until(async () => (await probe.readMetrics(id)).length >= 10);
    child.kill('SIGKILL');
    await exited;
    // Its trainer notices the supervisor is gone and stops too.
    await until(() => !alive(trainerPid));

    const s = await open();
    const run = await s.call('getRun', { id });
    expect(run).toMatchObject({ status: 'interrupted', owner_pid: null });
    expect(run.error).toContain('ended');
    const rows = (await s.call('getMetrics', { ids: [id] }))[id]!;
    expect(rows.length).toBeGreaterThanOrEqual(10);
  });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
