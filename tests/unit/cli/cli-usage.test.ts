/**
 * `runlab` as a person meets it: real `node bin/runlab.js` processes. These cases need no
 * training: help, refused flag values, unknown flags, and the runs commands on a temp store.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS, FIELDS } from '../../../src/shared/hyperparams';
import { RunStore } from '../../../src/main/runs/store/store';
import { lines, startRunlab } from '../../helpers/runlab-cli';

let home: string;
const runlab = (...args: string[]) => startRunlab(args, home).done;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-cli-'));
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('runlab train --help', () => {
  it('lists a flag for every hyperparameter, with its default', async () => {
    const { code, stdout } = await runlab('train', '--help');
    expect(code).toBe(0);
    // Help wraps long descriptions: join the lines of each option before matching.
    const help = stdout.replace(/\n\s+(?!--)/g, ' ');
    for (const field of FIELDS) {
      const value = DEFAULT_HYPERPARAMS[field.key];
      const shown = Array.isArray(value) ? value.join(',') : value === '' ? 'none' : String(value);
      expect(help).toMatch(new RegExp(`--${field.flag} <[^>]+>.*\\(default: ${shown.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
    }
    for (const flag of ['--name', '--tags', '--preset', '--json', '--no-save', '--quiet']) expect(help).toContain(flag);
    expect(help).toContain('[choices: sgd, momentum, adam]');
    expect(help).toContain('[> 0, ≤ 10]');
  });
});

describe.concurrent('runlab train with a bad value', () => {
  it.each([
    [['--lr', '-1'], 'error: --lr: Learning rate must be greater than 0'],
    [['--batch-size', '0'], 'error: --batch-size: Batch size must be at least 1'],
    [['--epochs', '2.5'], 'error: --epochs: Epochs must be a whole number'],
    [['--hidden', '100,abc'], 'error: --hidden: Hidden sizes: each size must be a number'],
    [['--optimizer', 'rmsprop'], 'error: --optimizer: Optimizer must be one of: sgd, momentum, adam'],
    [['--dropout', '1'], 'error: --dropout: Dropout must be at most 0.9'],
    [['--batch-norm', 'yes'], 'error: --batch-norm: Batch norm must be one of: off, on'],
    [['--dataset', 'idx'], 'error: --data-path: Data path is required for the idx dataset'],
    [['--preset', 'huge'], 'error: --preset: unknown preset "huge"; expected one of: lesson9, cnn, cnn-wide, mlp-onecycle'],
  ])('%j → exit 2 and one line naming the flag', async (args, message) => {
    const { code, stdout, stderr } = await runlab('train', ...args);
    expect(code).toBe(2);
    expect(lines(stderr)).toEqual([message]);
    expect(stdout).toBe('');
  });

  it('names every bad flag, one line each', async () => {
    const { code, stderr } = await runlab('train', '--lr', '0', '--epochs', '0');
    expect(code).toBe(2);
    expect(lines(stderr).sort()).toEqual([
      'error: --epochs: Epochs must be at least 1',
      'error: --lr: Learning rate must be greater than 0',
    ]);
  });

  it("rejects an unknown flag with commander's error and creates no run", async () => {
    const { code, stderr } = await runlab('train', '--learning-rate', '0.1');
    expect(code).not.toBe(0);
    expect(lines(stderr)[0]).toBe("error: unknown option '--learning-rate'");
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(await new RunStore(home).list()).toEqual([]);
  });
});

describe('runlab runs', () => {
  it('lists nothing in an empty store, as a table or JSON', async () => {
    expect((await runlab('runs', 'list', '--json')).stdout.trim()).toBe('[]');
    const empty = await runlab('--data-dir', join(home, 'elsewhere'), 'runs', 'list');
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('no runs yet');
  });

  it('lists, shows, exports and removes stored runs; damaged ones are listed as damaged', async () => {
    const dir = join(home, 'stored');
    const store = new RunStore(dir);
    const run = await store.create({ config: { ...DEFAULT_HYPERPARAMS, epochs: 1 }, name: 'kept', status: 'running' });
    await store.appendMetrics(run.id, [
      { kind: 'iter', iter: 1, epoch: 0.5, loss: 2.3, lr: 0.5, t: 10 },
      { kind: 'epoch', epoch: 1, iter: 2, train_loss: 2.1, train_accuracy: 0.3, valid_loss: 1.9, valid_accuracy: 0.4, seconds: 1.5, t: 20 },
    ]);
    const summary = {
      epochs: 1,
      iterations: 2,
      final: { train_loss: 2.1, train_accuracy: 0.3, valid_loss: 1.9, valid_accuracy: 0.4 },
      best_valid_accuracy: 0.4,
      best_valid_loss: 1.9,
      best_epoch: 1,
      samples_per_second: 1234,
      stopped_by: null,
    };
    await store.update(run.id, (r) => ({ ...r, status: 'completed', ended: new Date().toISOString(), summary, owner_pid: null }));
    const { mkdir, writeFile } = await import('node:fs/promises');
    await mkdir(join(dir, 'runs', 'broken-run'), { recursive: true });
    await writeFile(join(dir, 'runs', 'broken-run', 'run.json'), '{"schema": 1, "id": ');

    const listed = JSON.parse((await runlab('--data-dir', dir, 'runs', 'list', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(listed).toHaveLength(2);
    expect(listed.find((r) => r.id === run.id)).toMatchObject({
      name: 'kept',
      status: 'completed',
      created: run.created,
      valid_accuracy: 0.4,
    });
    expect(listed.find((r) => r.id === 'broken-run')).toMatchObject({ status: 'damaged', valid_accuracy: null });

    const table = lines((await runlab('--data-dir', dir, 'runs', 'list')).stdout);
    expect(table[0]).toMatch(/^id\s+name\s+status\s+created\s+valid_accuracy$/);
    expect(table.find((l) => l.startsWith(run.id))).toMatch(/kept\s+completed\s+\S+\s+0\.4000$/);
    expect(table.find((l) => l.startsWith('broken-run'))).toContain('damaged');

    const shown = await runlab('--data-dir', dir, 'runs', 'show', run.id);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toMatch(/^status\s+completed$/m);
    expect(shown.stdout).toContain('--epochs 1');
    expect(shown.stdout).toMatch(/^1\s+2\.100000\s+0\.300000\s+1\.900000\s+0\.400000\s+00:02$/m);

    const csv = await runlab('--data-dir', dir, 'runs', 'export', run.id, '--format', 'csv');
    expect(csv.code).toBe(0);
    expect(lines(csv.stdout)).toEqual([
      'epoch,iteration,train_loss,train_accuracy,valid_loss,valid_accuracy,epoch_time_s,elapsed_s',
      '1,2,2.1,0.3,1.9,0.4,1.5,0.02',
    ]);
    const iterations = await runlab('--data-dir', dir, 'runs', 'export', run.id, '--table', 'iterations');
    expect(lines(iterations.stdout)).toEqual(['iteration,epoch,loss,lr,elapsed_s', '1,0.5,2.3,0.5,0.01']);
    const out = join(home, 'export.json');
    const json = await runlab('--data-dir', dir, 'runs', 'export', run.id, '--format', 'json', '--out', out);
    expect(json.stdout).toBe('');
    const { readFile } = await import('node:fs/promises');
    expect(JSON.parse(await readFile(out, 'utf8'))).toMatchObject({
      run: { id: run.id },
      iterations: [{ iteration: 1 }],
      epochs: [{ epoch: 1 }],
    });

    const missing = await runlab('--data-dir', dir, 'runs', 'show', 'no-such-run');
    expect(missing.code).toBe(1);
    expect(lines(missing.stderr)).toEqual(['error: Run no-such-run not found']);

    expect((await runlab('--data-dir', dir, 'runs', 'rm', run.id)).stdout.trim()).toBe(`deleted ${run.id}`);
    expect((await store.list()).map((r) => r.id)).toEqual(['broken-run']);
  });
});
