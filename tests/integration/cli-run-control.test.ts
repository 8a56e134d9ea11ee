/**
 * Run control through the real `runlab` command: resume (a run stopped early trains on in
 * the same run and ends where an unbroken one ends), fork (a new run whose rows start at
 * its parent's checkpoint and continue as the parent did), and, on a run another `runlab`
 * process trains, pause (the trainer holds no CPU, measured from /proc), live edits (the lr
 * changes at the iteration the command reports) and resume.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { IterRow, MetricRow, RunRecord } from '../../src/shared/records';
import { RunStore } from '../../src/main/runs/store/store';
import { initBackend } from '../../src/main/training/backend';
import { loadModel } from '../../src/main/training/models/load-model';
import { lines, startRunlab } from '../helpers/runlab-cli';
import { writeBlobsCsv } from '../helpers/synthetic-csv';

let home: string;
let csv: string;
let store: RunStore;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-cli-control-'));
  csv = await writeBlobsCsv(home);
  store = new RunStore(home);
  await initBackend('cpu');
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const runlab = (...args: string[]) => startRunlab(args, home).done;
/** 480 train rows in batches of 32: 15 iterations per epoch. */
const JOB = ['--dataset', 'csv', '--data-path', '', '--batch-size', '32', '--hidden', '16,8', '--dropout', '0.2', '--batch-norm', 'on'];
const job = (...more: string[]) => [...JOB.map((a) => (a === '' ? csv : a)), ...more];

async function json(...args: string[]): Promise<Record<string, unknown>> {
  const { code, stdout, stderr } = await runlab(...args);
  expect(stderr).not.toMatch(/\n\s+at /);
  expect({ code, stderr: code === 0 ? '' : stderr }).toEqual({ code: 0, stderr: '' });
  return JSON.parse(lines(stdout).at(-1)!) as Record<string, unknown>;
}

async function weights(id: string): Promise<Map<string, number[]>> {
  const model = await loadModel(join(store.modelDir(id), 'last'));
  const out = new Map(await Promise.all(model.namedWeights.map(async (w) => [w.name, Array.from(await w.variable.data())] as const)));
  model.dispose();
  return out;
}

function maxDifference(a: Map<string, number[]>, b: Map<string, number[]>): number {
  let max = 0;
  for (const [name, va] of a) va.forEach((v, i) => (max = Math.max(max, Math.abs(v - b.get(name)![i]!))));
  return max;
}

const timeless = (rows: MetricRow[]) => rows.map((r) => (r.kind === 'iter' ? { ...r, t: 0 } : { ...r, t: 0, seconds: 0 }));
const epochRows = (rows: MetricRow[]) => rows.filter((r) => r.kind === 'epoch');

describe('runlab resume and fork', () => {
  let whole: string;

  beforeAll(async () => {
    whole = (await json('train', ...job('--epochs', '3', '--optimizer', 'adam', '--lr', '0.01', '--json'))).run_id as string;
  });

  it('resume: a run stopped by stop-after trains on in the same run to the weights of an unbroken run', async () => {
    const stopped = await json('train', ...job('--epochs', '3', '--optimizer', 'adam', '--lr', '0.01', '--stop-after', '20', '--json'));
    expect(stopped).toMatchObject({ status: 'completed', stopped_by: 'stop-after', iterations: 20 });
    const id = stopped.run_id as string;
    const { code, stdout } = await runlab('resume', id, '--json');
    expect(code).toBe(0);
    const out = lines(stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    // Only the epochs trained now are printed; the last line says where the run ended.
    expect(out.slice(0, -1).map((o) => o.epoch)).toEqual([2, 3]);
    expect(out.at(-1)).toMatchObject({ status: 'completed', epochs: 3, iterations: 45, stopped_by: null, run_id: id });
    expect(maxDifference(await weights(whole), await weights(id))).toBeLessThanOrEqual(1e-6);
    // Same rows as the unbroken run: none missing, none twice.
    expect(timeless(await store.readMetrics(id))).toEqual(timeless(await store.readMetrics(whole)));
    const record = await store.get(id);
    expect(record.events).toEqual([
      expect.objectContaining({ kind: 'resume', iter: 20, checkpoint: 'epoch-0001-batch-00005', epochs: 3, by: 'cli' }),
    ]);
    expect(record.checkpoint).toEqual({ name: 'epoch-0003', epoch: 3, batch: 0, iter: 45 });
  });

  it('resume --epochs: a completed run trains on to more epochs; a run with nothing left is refused', async () => {
    const { code, stderr } = await runlab('resume', whole);
    expect(code).toBe(2);
    expect(lines(stderr)).toEqual([
      expect.stringMatching(
        /^error: --epochs: Run \S+ has trained 3 epoch\(s\) \(it was planned for 3\); resume it with more epochs than 3$/,
      ),
    ]);
    const copy = await json('fork', whole, '--epoch', '3', '--epochs', '4', '--json');
    const more = await json('resume', copy.run_id as string, '--epochs', '5', '--json');
    expect(more).toMatchObject({ status: 'completed', epochs: 5, run_id: copy.run_id });
    expect(epochRows(await store.readMetrics(copy.run_id as string)).map((r) => r.epoch)).toEqual([3, 4, 5]);
  });

  it('fork: its first row is its parent’s checkpoint, and with nothing changed it goes on as its parent did', async () => {
    const fork = await json('fork', whole, '--epoch', '1', '--json');
    expect(fork).toMatchObject({ status: 'completed', epochs: 3 });
    const id = fork.run_id as string;
    const [parentRows, forkRows] = [await store.readMetrics(whole), await store.readMetrics(id)];
    expect(forkRows[0]).toEqual(epochRows(parentRows)[0]);
    // Rows start at the fork point: iteration 16 of the parent's numbering.
    expect(forkRows[1]).toMatchObject({ kind: 'iter', iter: 16 });
    expect(timeless(forkRows.slice(1))).toEqual(timeless(parentRows.filter((r) => (r.kind === 'iter' ? r.iter > 15 : r.epoch > 1))));
    expect(maxDifference(await weights(whole), await weights(id))).toBeLessThanOrEqual(1e-6);
    expect(await store.get(id)).toMatchObject({
      parent: { id: whole, checkpoint: 'epoch-0001', epoch: 1, iter: 15 },
      name: expect.stringMatching(/\(fork at epoch 1\)$/),
    });

    // With another lr it branches off.
    const other = await json('fork', whole, '--epoch', '1', '--lr', '0.001', '--json');
    const otherRows = await store.readMetrics(other.run_id as string);
    expect((otherRows[1] as IterRow).lr).toBe(0.001);
    expect(epochRows(otherRows)[1]!.valid_loss).not.toBe(epochRows(parentRows)[1]!.valid_loss);
  });

  it('fork refuses an epoch without a checkpoint and a changed model, naming the flag (exit 2)', async () => {
    const noEpoch = await runlab('fork', whole, '--epoch', '9');
    expect(noEpoch.code).toBe(2);
    expect(lines(noEpoch.stderr)).toEqual([`error: --epoch: Run ${whole} has no checkpoint after epoch 9 to fork from (it has epoch 1–3)`]);
    const model = await runlab('fork', whole, '--epoch', '1', '--hidden', '20');
    expect(model.code).toBe(2);
    expect(lines(model.stderr)).toEqual(["error: --hidden: a fork keeps its parent's model (hidden [16,8]); start a new run to change it"]);
  });
});

describe('runlab resume and fork of an LR finder run', () => {
  it('refuses both, saying the finder has no training to go on from', async () => {
    const found = await json('lr-find', ...job('--json'));
    const id = found.run_id as string;
    const resume = await runlab('resume', id);
    expect({ code: resume.code, stderr: lines(resume.stderr) }).toEqual({
      code: 1,
      stderr: [`error: Run ${id} is an LR finder: it has no training to resume`],
    });
    const fork = await runlab('fork', id, '--epoch', '1');
    expect({ code: fork.code, stderr: lines(fork.stderr) }).toEqual({
      code: 1,
      stderr: [`error: Run ${id} is an LR finder: it keeps no model to fork from`],
    });
  });
});

/** CPU ticks (user + system) a process has used, from /proc/<pid>/stat. */
function cpuTicks(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

/** The trainer process under `owner`: its child running trainer-process. */
function trainerPid(owner: number): number | null {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === owner && readFileSync(`/proc/${name}/cmdline`, 'utf8').includes('trainer-process')) return Number(name);
    } catch {
      // Gone meanwhile.
    }
  }
  return null;
}

async function until<T>(what: string, get: () => Promise<T | null | undefined | false>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe.runIf(process.platform === 'linux')('runlab pause, edit and resume on a run another process trains', () => {
  it('pauses with the trainer holding no CPU, edits the lr at the iteration it reports, and resumes', async () => {
    // Long enough to be stopped by hand: the shipped MNIST sample, 125 iterations an epoch.
    const owner = startRunlab(['train', '--epochs', '100', '--lr', '0.1', '--json'], home);
    onTestFinished(() => void owner.child.kill('SIGKILL'));
    const running = await until('the run to train', async () => {
      const run = (await store.list()).find(
        (r): r is RunRecord => 'status' in r && r.status === 'running' && r.owner_pid === owner.child.pid,
      );
      return run && (await store.readMetrics(run.id)).some((r) => r.kind === 'iter' && r.iter >= 10) ? run : null;
    });
    const id = running.id;

    const paused = await json('pause', id, '--json');
    expect(paused).toMatchObject({ status: 'running', paused: true, run_id: id });
    const pausedAt = paused.iter as number;
    const trainer = await until('the trainer process', async () => trainerPid(owner.child.pid!));
    const rowsBefore = (await store.readMetrics(id)).length;
    const ticks0 = cpuTicks(trainer);
    await new Promise((r) => setTimeout(r, 3000));
    const ticks = cpuTicks(trainer) - ticks0;
    // 3 s paused: at most 3 ticks (30 ms of CPU at 100 ticks/s) — idle, not spinning.
    expect(ticks).toBeLessThanOrEqual(3);
    expect((await store.readMetrics(id)).length).toBe(rowsBefore);

    // An edit while paused applies from the next iteration.
    const edited = await json('edit', id, '--lr', '0.05', '--json');
    expect(edited).toMatchObject({ status: 'running', run_id: id, iter: pausedAt + 1, changes: [{ field: 'lr', from: 0.1, to: 0.05 }] });
    expect(await json('resume', id, '--json')).toMatchObject({ status: 'running', paused: false, run_id: id });
    // …and one while it trains, at its next batch boundary.
    const sgd = await runlab('edit', id, '--momentum', '0.5');
    expect({ code: sgd.code, stderr: lines(sgd.stderr) }).toEqual({
      code: 2,
      stderr: ['error: --momentum: the sgd optimizer has none (momentum and adam do)'],
    });
    const second = await json('edit', id, '--lr', '0.02', '--json');
    const liveAt = second.iter as number;
    expect(liveAt).toBeGreaterThan(pausedAt + 1);

    owner.child.kill('SIGINT');
    const ended = await owner.done;
    expect(ended.code).toBe(130);
    const rows = (await store.readMetrics(id)).filter((r): r is IterRow => r.kind === 'iter');
    const lr = (iter: number) => rows.find((r) => r.iter === iter)!.lr;
    expect([lr(pausedAt), lr(pausedAt + 1), lr(liveAt - 1), lr(liveAt)]).toEqual([0.1, 0.05, 0.05, 0.02]);
    const record = await store.get(id);
    expect(record.events?.map((e) => [e.kind, e.by, e.iter])).toEqual([
      ['pause', 'cli', pausedAt],
      ['edit', 'cli', pausedAt + 1],
      ['continue', 'cli', pausedAt],
      ['edit', 'cli', liveAt],
    ]);
    expect(record).toMatchObject({ status: 'cancelled', paused: false });
  }, 120_000);

  it('refuses an edit of a run that is not running, a bad value and an empty edit', async () => {
    const notRunning = (await store.list()).find((r): r is RunRecord => 'status' in r && r.status === 'completed')!;
    const { code, stderr } = await runlab('edit', notRunning.id, '--lr', '0.1');
    expect(code).toBe(1);
    expect(lines(stderr)).toEqual([`error: run ${notRunning.id} is completed, not running: only a running run can be edited`]);
    const bad = await runlab('edit', notRunning.id, '--lr', '-1');
    expect(bad.code).toBe(2);
    expect(lines(bad.stderr)).toEqual(['error: --lr: Learning rate must be greater than 0']);
    const none = await runlab('edit', notRunning.id);
    expect(none.code).toBe(2);
    expect(lines(none.stderr)).toEqual([
      'error: An edit changes at least one of: lr, momentum, weightDecay, schedule (--lr, --momentum, --weight-decay, --schedule)',
    ]);
  });
});
