/**
 * `runlab sweep` for real: `node bin/runlab.js` queues a grid of runs as one group, trains
 * them in trainer processes on a small generated CSV dataset, and `runs list --group` finds
 * exactly them. A bad value is refused, naming its flag, before any run is made.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../src/main/runs/store/store';
import { lines, startRunlab } from '../helpers/runlab-cli';
import { writeBlobsCsv } from '../helpers/synthetic-csv';

let home: string;
let csv: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-cli-sweep-'));
  csv = await writeBlobsCsv(home, { rows: 300 });
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const runlab = (...args: string[]) => startRunlab(args, home).done;
const blobs = () => ['--dataset', 'csv', '--data-path', csv, '--epochs', '1', '--batch-size', '60'];

interface SweepJson {
  group: string;
  runs: Array<{
    id: string;
    name: string;
    status: string;
    swept: Record<string, unknown>;
    valid_accuracy: number | null;
    epochs: number | null;
  }>;
}

describe('runlab sweep', () => {
  it('trains a grid of 2 lrs × 2 seeds as one group of 4 completed runs, and runs list --group lists them', async () => {
    const { code, stdout, stderr } = await runlab(
      'sweep',
      '--lr',
      '0.1,0.5',
      '--seed',
      '1,2',
      ...blobs(),
      '--name',
      'blobs',
      '--tags',
      'grid',
      '--parallel',
      '2',
      '--json',
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
    // One JSON document on stdout, nothing else.
    const result = JSON.parse(stdout) as SweepJson;
    expect(result.group).toMatch(/^sweep-\d{8}-\d{6}-[0-9a-f]{4}$/);
    expect(result.runs.map((r) => [r.name, r.status, r.swept, r.epochs])).toEqual([
      ['blobs lr=0.1 seed=1', 'completed', { lr: 0.1, seed: 1 }, 1],
      ['blobs lr=0.1 seed=2', 'completed', { lr: 0.1, seed: 2 }, 1],
      ['blobs lr=0.5 seed=1', 'completed', { lr: 0.5, seed: 1 }, 1],
      ['blobs lr=0.5 seed=2', 'completed', { lr: 0.5, seed: 2 }, 1],
    ]);
    // Separable blobs: every run learns.
    for (const run of result.runs) expect(run.valid_accuracy).toBeGreaterThan(0.6);
    // Progress went to stderr: a line when each run started and when it ended.
    for (const [i, run] of result.runs.entries()) {
      expect(stderr).toContain(`[${i + 1}/4] ${run.name.replace('blobs ', '')} training on `);
      expect(stderr).toMatch(new RegExp(`\\[${i + 1}/4\\] ${run.name.replace('blobs ', '')} completed · valid_accuracy \\d\\.\\d{4}`));
    }

    const store = new RunStore(home);
    for (const run of result.runs) {
      const record = await store.get(run.id);
      expect(record).toMatchObject({ group: result.group, tags: ['grid'], status: 'completed', config: { ...run.swept, epochs: 1 } });
    }

    const listed = await runlab('runs', 'list', '--json', '--group', result.group);
    expect(listed.code).toBe(0);
    const rows = JSON.parse(listed.stdout) as Array<{ id: string; group: string | null; status: string }>;
    expect(rows.map((r) => r.id).sort()).toEqual(result.runs.map((r) => r.id).sort());
    for (const row of rows) expect(row).toMatchObject({ group: result.group, status: 'completed' });

    const table = await runlab('runs', 'list', '--group', result.group);
    expect(lines(table.stdout)[0]).toBe(`group ${result.group}: 4 run(s)`);
    expect(lines(table.stdout)).toHaveLength(6);
  });

  it('a bad value names its flag, exits 2 and makes no run', async () => {
    const before = (await new RunStore(home).list()).length;
    const { code, stdout, stderr } = await runlab('sweep', '--lr', '0.1,x', '--seed', '1,2', ...blobs());
    expect(code).toBe(2);
    expect(lines(stderr)).toEqual(['error: --lr: "x" is not a number (Learning rate)']);
    expect(stdout).toBe('');
    expect(await new RunStore(home).list()).toHaveLength(before);

    const unknown = await runlab('runs', 'list', '--group', 'sweep-nope');
    expect(unknown.code).toBe(1);
    expect(lines(unknown.stderr)).toEqual(['error: no runs in group "sweep-nope": see runlab runs list']);
  });

  it('Ctrl-C cancels the running run and takes the queued ones off the queue, exit 130', async () => {
    const { child, done } = startRunlab(['sweep', '--lr', '0.1,0.2,0.3', '--epochs', '20', '--batch-size', '500', '--json'], home);
    let stderr = '';
    await new Promise<void>((resolve) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        if (stderr.includes('[1/3] lr=0.1 training on')) resolve();
      });
    });
    child.kill('SIGINT');
    const { code, stdout } = await done;
    expect(code).toBe(130);
    const result = JSON.parse(stdout) as SweepJson;
    expect(result.runs.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled']);
    // The queued runs never trained.
    expect(result.runs.slice(1).map((r) => r.epochs)).toEqual([null, null]);
    // Nothing is left queued or running in the store.
    for (const run of result.runs) expect((await new RunStore(home).get(run.id)).status).toBe('cancelled');
  });

  it('--help lists the sweep flags and the value forms', async () => {
    const { code, stdout } = await runlab('sweep', '--help');
    expect(code).toBe(0);
    for (const flag of ['--lr <x>', '--random <n>', '--sweep-seed <s>', '--repeat <n>', '--parallel <n>', '--name', '--json', '--quiet']) {
      expect(stdout).toContain(flag);
    }
    expect(stdout).toContain('runlab sweep --lr 0.1,0.5 --seed 1,2 --epochs 2');
    expect(stdout).toContain('"from:to:count"');
  });
});
