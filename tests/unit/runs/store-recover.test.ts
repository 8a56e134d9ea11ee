/** RunStore.recoverInterrupted: a run whose supervising process died becomes 'interrupted', keeping its rows. */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { describe, expect, it } from 'vitest';
import { isOwnerAlive, isPidAlive, processStartTime } from '../../../src/main/runs/store/pid-alive';
import { config, epochRow, iterRow, useTempStore } from './store-fixtures';

const ctx = useTempStore();

/** The pid of a real process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  const pid = child.pid;
  if (pid === undefined) throw new Error('could not spawn node');
  await once(child, 'exit');
  return pid;
}

describe('recoverInterrupted', () => {
  it('marks runs of a dead process interrupted, keeps their rows, and leaves live and finished runs alone', async () => {
    const dead = await deadPid();
    expect(isPidAlive(dead)).toBe(false);
    expect(isPidAlive(process.pid)).toBe(true);

    const orphan = await ctx.store.create({ config, status: 'running', ownerPid: dead });
    await ctx.store.appendMetrics(orphan.id, [iterRow(1), iterRow(2), epochRow(1)]);
    await ctx.store.update(orphan.id, (r) => ({ ...r, backend: 'wasm', progress: { iter: 2, total_iters: 375, epoch: 1, epochs: 3 } }));
    const orphanQueued = await ctx.store.create({ config, status: 'queued', ownerPid: dead });
    const unowned = await ctx.store.create({ config, status: 'running', ownerPid: null });
    const mine = await ctx.store.create({ config, status: 'running' });
    const finished = await ctx.store.update((await ctx.store.create({ config, ownerPid: dead })).id, (r) => ({
      ...r,
      status: 'completed',
      ended: new Date().toISOString(),
    }));

    const startedAt = Date.now();
    const recovered = await ctx.store.recoverInterrupted();
    expect(recovered.sort()).toEqual([orphan.id, orphanQueued.id, unowned.id].sort());

    const run = await ctx.store.get(orphan.id);
    expect(run).toMatchObject({
      status: 'interrupted',
      owner_pid: null,
      backend: 'wasm',
      progress: { iter: 2, total_iters: 375, epoch: 1, epochs: 3 },
      error: `Interrupted: the process supervising this run (pid ${dead}) ended before the run finished`,
    });
    expect(Date.parse(run.ended ?? '')).toBeGreaterThanOrEqual(startedAt - 1000);
    expect(await ctx.store.readMetrics(orphan.id)).toEqual([iterRow(1), iterRow(2), epochRow(1)]);

    expect(await ctx.store.get(orphanQueued.id)).toMatchObject({ status: 'interrupted', error: 'The app closed before this run started' });
    expect(await ctx.store.get(unowned.id)).toMatchObject({
      status: 'interrupted',
      error: 'Interrupted: no process was supervising this run when Runlab started again',
    });
    expect(await ctx.store.get(mine.id)).toEqual(mine);
    expect(await ctx.store.get(finished.id)).toEqual(finished);

    // A second start finds nothing left to recover.
    expect(await ctx.store.recoverInterrupted()).toEqual([]);
  });

  it('records when its owner started, and a live pid that started at another time is not the owner (a reused pid)', async () => {
    const started = processStartTime(process.pid);
    expect(started).toMatch(/^\d+$/);
    expect(processStartTime(process.pid)).toBe(started);
    expect(processStartTime(await deadPid())).toBeNull();

    const mine = await ctx.store.create({ config, status: 'running' });
    expect(mine.owner_started).toBe(started);
    // This process's pid, as if recorded by an earlier process that had the same pid.
    const reused = await ctx.store.create({ config, status: 'running' });
    await ctx.store.update(reused.id, (r) => ({ ...r, owner_started: String(Number(started) - 1) }));
    // Written before start times were recorded: the pid alone decides.
    const older = await ctx.store.create({ config, status: 'running' });
    await ctx.store.update(older.id, (r) => {
      const { owner_started: _, ...rest } = r;
      return rest;
    });
    expect((await ctx.store.get(older.id)).owner_started).toBeUndefined();

    expect(isOwnerAlive(process.pid, started)).toBe(true);
    expect(isOwnerAlive(process.pid, '1')).toBe(false);
    expect(isOwnerAlive(process.pid, undefined)).toBe(true);
    expect(await ctx.store.recoverInterrupted()).toEqual([reused.id]);
    expect(await ctx.store.get(reused.id)).toMatchObject({
      status: 'interrupted',
      owner_pid: null,
      owner_started: null,
      error: `Interrupted: the process supervising this run (pid ${process.pid}) ended before the run finished`,
    });
    expect((await ctx.store.get(mine.id)).status).toBe('running');
    expect((await ctx.store.get(older.id)).status).toBe('running');
  });

  it('uses the liveness check it is given', async () => {
    const run = await ctx.store.create({ config, status: 'running', ownerPid: 424242 });
    expect(await ctx.store.recoverInterrupted((pid) => pid === 424242)).toEqual([]);
    expect((await ctx.store.get(run.id)).status).toBe('running');
    expect(await ctx.store.recoverInterrupted(() => false)).toEqual([run.id]);
  });

  it('never treats pid 0 or a negative pid as a live process (they address process groups)', () => {
    expect(isPidAlive(0)).toBe(false);
    expect(isPidAlive(-1)).toBe(false);
    expect(isPidAlive(1.5)).toBe(false);
  });
});
