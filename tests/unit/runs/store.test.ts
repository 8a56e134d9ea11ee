/** RunStore: creating, reading, listing, editing and deleting runs in a real data folder. */
import { readdir, readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RUN_ID_PATTERN, isDamaged, type RunRecord } from '../../../src/shared/records';
import { RunStore } from '../../../src/main/runs/store/store';
import { config, rejection, useTempStore } from './store-fixtures';

const ctx = useTempStore();

describe('create and get', () => {
  it('writes a queued run with a time-sortable id, a recognisable name and this process as owner', async () => {
    const before = Date.now();
    const run = await ctx.store.create({ config });
    expect(run.id).toMatch(RUN_ID_PATTERN);
    expect(run.id).toMatch(/^\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(run.name).toBe('mlp-50 sgd lr0.5 3ep');
    const regularized = await ctx.store.create({ config: { ...config, batchNorm: 'on', dropout: 0.2 } });
    expect(regularized.name).toBe('mlp-50 bn dropout0.2 sgd lr0.5 3ep');
    expect(run).toMatchObject({ schema: 1, status: 'queued', tags: [], notes: '', started: null, ended: null, owner_pid: process.pid });
    expect(Date.parse(run.created)).toBeGreaterThanOrEqual(before - 1);
    expect(await ctx.store.get(run.id)).toEqual(run);

    const text = await readFile(join(ctx.dataDir, 'runs', run.id, 'run.json'), 'utf8');
    expect(text).toBe(`${JSON.stringify(run, null, 2)}\n`);
  });

  it('names runs after other configs and keeps a given name, tags and notes (trimmed, tags de-duplicated)', async () => {
    const cnn = await ctx.store.create({ config: { ...config, model: 'cnn', optimizer: 'adam', lr: 0.003, schedule: 'one-cycle' } });
    expect(cnn.name).toBe('cnn adam lr0.003 one-cycle 3ep');
    const wide = await ctx.store.create({ config: { ...config, model: 'cnn', filters: [32, 64] } });
    expect(wide.name).toBe('cnn-32-64 sgd lr0.5 3ep');
    const named = await ctx.store.create({
      config,
      name: '  baseline ',
      tags: ['a', 'b', 'a'],
      notes: 'first try',
      status: 'running',
      ownerPid: 1234,
    });
    expect(named).toMatchObject({ name: 'baseline', tags: ['a', 'b'], notes: 'first try', status: 'running', owner_pid: 1234 });
    expect(named.started).toBe(named.created);
  });

  it('gives runs that differ only in length, or not at all, different automatic names', async () => {
    const names: string[] = [];
    for (const epochs of [3, 12, 200]) names.push((await ctx.store.create({ config: { ...config, epochs } })).name);
    expect(names).toEqual(['mlp-50 sgd lr0.5 3ep', 'mlp-50 sgd lr0.5 12ep', 'mlp-50 sgd lr0.5 200ep']);
    // Created at once, the same config: still one name each, numbered in order of creation.
    const same = await Promise.all([0, 1, 2].map(() => ctx.store.create({ config: { ...config, epochs: 3 } })));
    expect(same.map((r) => r.name).sort()).toEqual(['mlp-50 sgd lr0.5 3ep #2', 'mlp-50 sgd lr0.5 3ep #3', 'mlp-50 sgd lr0.5 3ep #4']);
    // A seed, batch size or stop-after that is not the default is part of the name.
    const seeded = await ctx.store.create({ config: { ...config, seed: 7, batchSize: 128, stopAfter: 20 } });
    expect(seeded.name).toBe('mlp-50 sgd lr0.5 3ep bs128 stop20 seed7');
    // A name given by the person is kept as it is, even when another run has it.
    expect((await ctx.store.create({ config, name: 'mlp-50 sgd lr0.5 3ep' })).name).toBe('mlp-50 sgd lr0.5 3ep');
  });

  it('refuses an empty name, a bad config or a finished status, and writes nothing', async () => {
    const empty = await rejection(ctx.store.create({ config, name: '   ' }));
    expect(empty).toMatchObject({ code: 'invalid', field: 'name', message: 'Name must not be empty' });
    const badConfig = await rejection(ctx.store.create({ config: { ...config, lr: -1 } }));
    expect(badConfig).toMatchObject({ code: 'invalid', field: 'config.lr' });
    expect(badConfig.message).toContain('Learning rate must be greater than 0');
    const badStatus = await rejection(ctx.store.create({ config, status: 'completed' as 'running' }));
    expect(badStatus).toMatchObject({ code: 'invalid', field: 'status' });
    expect(await ctx.store.list()).toEqual([]);
  });

  it('gives every run its own folder, even when created at the same moment', async () => {
    const runs = await Promise.all(Array.from({ length: 30 }, () => ctx.store.create({ config })));
    expect(new Set(runs.map((r) => r.id)).size).toBe(30);
    expect((await readdir(join(ctx.dataDir, 'runs'))).sort()).toEqual(runs.map((r) => r.id).sort());
  });

  it('reports an unknown run as not_found, naming it', async () => {
    const error = await rejection(ctx.store.get('20200101-000000-beef'));
    expect(error).toMatchObject({ code: 'not_found', message: 'Run 20200101-000000-beef not found' });
  });
});

describe('list', () => {
  it('is empty before any run exists', async () => {
    expect(await ctx.store.list()).toEqual([]);
  });

  it('lists runs newest first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await ctx.store.create({ config, name: `run ${i}` })).id);
      await new Promise((r) => setTimeout(r, 5));
    }
    const listed = await ctx.store.list();
    expect(listed.map((e) => e.id)).toEqual([...ids].reverse());
    expect(listed.every((e) => !isDamaged(e))).toBe(true);
    expect((listed[0] as RunRecord).name).toBe('run 2');
  });
});

describe('update and patch', () => {
  it('applies a change and persists it', async () => {
    const run = await ctx.store.create({ config });
    const updated = await ctx.store.update(run.id, (r) => ({ ...r, status: 'running', backend: 'wasm', device: 'wasm (SIMD)' }));
    expect(updated).toMatchObject({ status: 'running', backend: 'wasm', device: 'wasm (SIMD)' });
    expect(await ctx.store.get(run.id)).toEqual(updated);
  });

  it('persists a change that edits the record in place and returns it', async () => {
    const run = await ctx.store.create({ config });
    const updated = await ctx.store.update(run.id, (r) => {
      r.status = 'completed';
      r.ended = new Date().toISOString();
      return r;
    });
    expect(updated.status).toBe('completed');
    expect((await ctx.store.get(run.id)).status).toBe('completed');
  });

  it('refuses a change that breaks the schema or the id, leaving run.json as it was', async () => {
    const run = await ctx.store.create({ config });
    const file = join(ctx.dataDir, 'runs', run.id, 'run.json');
    const before = await readFile(file);
    const bad = await rejection(ctx.store.update(run.id, (r) => ({ ...r, status: 'exploded' as 'failed' })));
    expect(bad).toMatchObject({ code: 'invalid', field: 'status' });
    expect(bad.message).toContain(`Run ${run.id} was not saved: status:`);
    const moved = await rejection(ctx.store.update(run.id, (r) => ({ ...r, id: 'other-id' })));
    expect(moved).toMatchObject({ code: 'invalid', field: 'id' });
    expect((await readFile(file)).equals(before)).toBe(true);
  });

  it('patches name, tags and notes; an empty name is refused with a message', async () => {
    const run = await ctx.store.create({ config });
    const patched = await ctx.store.patch(run.id, { name: ' renamed ', tags: ['best', 'best', 'mlp'], notes: 'good one' });
    expect(patched).toMatchObject({ name: 'renamed', tags: ['best', 'mlp'], notes: 'good one', config: run.config });
    expect(await ctx.store.get(run.id)).toEqual(patched);

    const empty = await rejection(ctx.store.patch(run.id, { name: '' }));
    expect(empty).toMatchObject({ code: 'invalid', field: 'name', message: 'Name must not be empty' });
    const unknown = await rejection(ctx.store.patch(run.id, { status: 'completed' } as never));
    expect(unknown.code).toBe('invalid');
    expect((await ctx.store.get(run.id)).name).toBe('renamed');
  });

  it('serializes concurrent updates so none is lost, also across two stores on one folder', async () => {
    const run = await ctx.store.create({ config });
    const other = new RunStore(ctx.dataDir);
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? ctx.store : other).update(run.id, (r) => ({ ...r, tags: [...r.tags, `t${i}`] }))),
    );
    const tags = (await ctx.store.get(run.id)).tags;
    expect(tags).toHaveLength(40);
    expect(new Set(tags)).toEqual(new Set(Array.from({ length: 40 }, (_, i) => `t${i}`)));
  });

  it('reports updating a missing run as not_found', async () => {
    const error = await rejection(ctx.store.update('20200101-000000-beef', (r) => r));
    expect(error.code).toBe('not_found');
  });
});

describe('delete', () => {
  it('refuses queued and running runs, deletes finished ones', async () => {
    const queued = await ctx.store.create({ config });
    const running = await ctx.store.create({ config, status: 'running' });
    for (const run of [queued, running]) {
      const error = await rejection(ctx.store.delete(run.id));
      expect(error).toMatchObject({ code: 'conflict' });
      expect(error.message).toBe(`Run ${run.id} is ${run.status}; stop it before deleting it`);
      expect((await ctx.store.get(run.id)).id).toBe(run.id);
    }
    await ctx.store.update(running.id, (r) => ({ ...r, status: 'completed', ended: new Date().toISOString() }));
    await ctx.store.appendMetrics(running.id, [{ kind: 'iter', iter: 1, epoch: 0.1, loss: 1, lr: 0.1, t: 1 }]);
    await ctx.store.delete(running.id);
    expect((await rejection(ctx.store.get(running.id))).code).toBe('not_found');
    expect(await readdir(join(ctx.dataDir, 'runs'))).toEqual([queued.id]);
    expect((await rejection(ctx.store.delete(running.id))).code).toBe('not_found');
  });
});

describe('paths', () => {
  it('keeps runs under <ctx.dataDir>/runs and the model under <run>/model', async () => {
    const run = await ctx.store.create({ config });
    expect(ctx.store.dataDir).toBe(resolve(ctx.dataDir));
    expect(ctx.store.modelDir(run.id)).toBe(join(resolve(ctx.dataDir), 'runs', run.id, 'model'));
  });

  it('defaults the data folder to $RUNLAB_HOME, else ~/.runlab', () => {
    const saved = process.env.RUNLAB_HOME;
    try {
      process.env.RUNLAB_HOME = join(ctx.dataDir, 'home');
      expect(RunStore.defaultDataDir()).toBe(join(ctx.dataDir, 'home'));
      delete process.env.RUNLAB_HOME;
      expect(RunStore.defaultDataDir()).toBe(join(homedir(), '.runlab'));
    } finally {
      if (saved === undefined) delete process.env.RUNLAB_HOME;
      else process.env.RUNLAB_HOME = saved;
    }
  });
});
