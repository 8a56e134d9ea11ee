/**
 * `runlab lr-find --json` for real, through a trainer process: one line per iteration with
 * the lr rising exponentially from 1e-7, a last line with numeric valley / steep / minimum
 * suggestions, and the search stored as a run of kind lr-find (no model kept) that
 * `runlab runs list` shows beside training runs.
 */
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../src/main/runs/store/store';
import { writeImageFolder } from '../helpers/image-folders';
import { lines, startRunlab } from '../helpers/runlab-cli';

let home: string;
let data: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-cli-lr-find-'));
  data = join(home, 'shapes');
  await writeImageFolder(data, { classes: ['stripes-h', 'stripes-v', 'square'], perClass: 60, seed: 5 });
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const runlab = (...args: string[]) => startRunlab(args, home).done;

describe('runlab lr-find', () => {
  it('--json: a line per iteration, then suggestions with numeric valley, steep and minimum; stored as an lr-find run', async () => {
    const { code, stdout, stderr } = await runlab('lr-find', '--dataset', 'images', '--data-path', data, '--batch-size', '16', '--json');
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
    const all = lines(stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    const last = all.at(-1)!;
    const iters = all.slice(0, -1) as { iter: number; lr: number; loss: number | null }[];
    expect(last).toMatchObject({ type: 'result', status: 'completed' });
    const suggestions = last.suggestions as Record<string, unknown>;
    for (const key of ['valley', 'steep', 'minimum']) {
      expect(typeof suggestions[key]).toBe('number');
      expect(suggestions[key] as number).toBeGreaterThan(1e-7);
      expect(suggestions[key] as number).toBeLessThan(10);
    }
    // 144 train images in batches of 16: 9 a epoch, so up to 100 iterations span 12 epochs.
    expect(iters.length).toBe(last.iterations);
    expect(iters.length).toBeGreaterThan(20);
    expect(iters.length).toBeLessThanOrEqual(100);
    expect(iters.map((r) => r.iter)).toEqual(iters.map((_, i) => i + 1));
    expect(iters[0]!.lr).toBeCloseTo(1e-7, 12);
    iters.forEach((r, i) => expect(r.lr / 1e-7).toBeCloseTo(1e8 ** (i / 99), 6));
    if (last.stopped_by === 'max-iter') expect(iters.length).toBe(100);
    else expect(last.stopped_by).toBe('diverged');

    const run = await new RunStore(home).get(last.run_id as string);
    expect(run).toMatchObject({ kind: 'lr-find', status: 'completed' });
    expect(run.name).toMatch(/^lr-find /);
    expect(run.lr_find!.suggestions).toEqual(suggestions);
    expect(run.lr_find!.lrs).toEqual(iters.map((r) => r.lr));
    expect(run.lr_find!.smoothed).toHaveLength(iters.length);
    // The finder's model is thrown away: no model folder with checkpoints.
    const files = await readdir(join(home, 'runs', run.id));
    expect(files).not.toContain('model');

    const listed = await runlab('runs', 'list', '--json');
    expect(listed.stdout).toContain(run.id);
  });

  it('prints the suggestions as a table without --json', async () => {
    const { code, stdout } = await runlab('lr-find', '--dataset', 'images', '--data-path', data, '--batch-size', '16');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^valley\s+\d/m);
    expect(stdout).toMatch(/^steep\s+\d/m);
    expect(stdout).toMatch(/^minimum\/10\s+\d/m);
    expect(stdout).toMatch(/saved as run \S+/);
  });

  it('refuses a bad flag before any run exists', async () => {
    const { code, stderr } = await runlab('lr-find', '--batch-size', '0');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--batch-size/);
  });
});
