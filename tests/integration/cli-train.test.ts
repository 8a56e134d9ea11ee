/**
 * `runlab train` for real: `node bin/runlab.js` processes training short jobs on the shipped
 * MNIST sample, recorded in a temp $RUNLAB_HOME.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../src/main/runs/store/store';
import { initBackend } from '../../src/main/training/backend';
import { loadModel } from '../../src/main/training/models/load-model';
import { lines, startRunlab } from '../helpers/runlab-cli';

let home: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-cli-train-'));
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const start = (args: string[]) => startRunlab(args, home);
const runlab = (...args: string[]) => start(args).done;
const FINAL_KEYS = ['status', 'epochs', 'train_loss', 'valid_loss', 'valid_accuracy', 'backend', 'device', 'samples_per_second', 'run_id'];

describe('runlab train', () => {
  it('--json prints one JSON object per epoch and a final summary, and records the run', async () => {
    const { code, stdout, stderr } = await runlab(
      'train',
      '--stop-after',
      '20',
      '--json',
      '--epochs',
      '1',
      '--name',
      'cli json',
      '--tags',
      'a,b',
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
    const objects = lines(stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    const final = objects.at(-1)!;
    for (const key of FINAL_KEYS) expect(final).toHaveProperty(key);
    // fastai's TestCallback stops mid-epoch (CancelTrainException): no epoch finished, so no validation.
    expect(final).toMatchObject({ status: 'completed', epochs: 0, iterations: 20, stopped_by: 'stop-after', valid_loss: null });
    expect(typeof final.samples_per_second).toBe('number');
    for (const epoch of objects.slice(0, -1)) {
      expect(Object.keys(epoch).sort()).toEqual(['epoch', 'seconds', 'train_accuracy', 'train_loss', 'valid_accuracy', 'valid_loss']);
    }

    const runId = final.run_id as string;
    const stored = await new RunStore(home).get(runId);
    expect(stored).toMatchObject({
      status: 'completed',
      name: 'cli json',
      tags: ['a', 'b'],
      config: { stopAfter: 20, epochs: 1 },
      owner_pid: null,
    });

    const listed = JSON.parse((await runlab('runs', 'list', '--json')).stdout) as Array<Record<string, unknown>>;
    expect(listed.find((r) => r.id === runId)).toMatchObject({ name: 'cli json', status: 'completed', created: stored.created });

    const csv = await runlab('runs', 'export', runId, '--format', 'csv', '--table', 'iterations');
    expect(csv.code).toBe(0);
    const csvLines = lines(csv.stdout);
    expect(csvLines[0]).toBe('iteration,epoch,loss,lr,elapsed_s');
    expect(csvLines.length).toBe(1 + (await new RunStore(home).readMetrics(runId)).filter((r) => r.kind === 'iter').length);
  });

  it('prints the epoch table and a final line with status, backend, samples/s and run id', async () => {
    // 8,000 samples in batches of 1,000: two short epochs, each validated.
    const { code, stdout } = await runlab('train', '--epochs', '2', '--batch-size', '1000', '--hidden', '20,10');
    expect(code).toBe(0);
    const out = lines(stdout);
    expect(out).toHaveLength(4);
    expect(out[0]).toMatch(/^epoch\s+train_loss\s+train_accuracy\s+valid_loss\s+valid_accuracy\s+time$/);
    expect(out[1]).toMatch(/^1\s+\d+\.\d{6}\s+0\.\d{6}\s+\d+\.\d{6}\s+0\.\d{6}\s+00:\d\d$/);
    expect(out[2]).toMatch(/^2\s/);
    expect(out.at(-1)).toMatch(
      /^completed in [\d.]+ s · 2 epoch\(s\), 16 iterations · valid_accuracy 0\.\d{4} · backend \S.* · [\d,]+ samples\/s · run \S+$/,
    );
  });

  it('--dropout and --batch-norm train a model with both, stored with the run, whose checkpoints load back', async () => {
    const { code, stdout } = await runlab(
      'train',
      '--epochs',
      '2',
      '--batch-size',
      '500',
      '--dropout',
      '0.25',
      '--batch-norm',
      'on',
      '--json',
    );
    expect(code).toBe(0);
    const objects = lines(stdout).map((l) => JSON.parse(l) as Record<string, unknown>);
    const final = objects.at(-1)!;
    expect(final).toMatchObject({ status: 'completed', epochs: 2 });
    const store = new RunStore(home);
    const stored = await store.get(final.run_id as string);
    expect(stored.config).toMatchObject({ dropout: 0.25, batchNorm: 'on' });
    await initBackend('cpu');
    for (const folder of ['last', 'best']) {
      const model = await loadModel(join(store.modelDir(stored.id), folder));
      expect(model.layers.map((l) => l.constructor.name)).toEqual(['Dense', 'BatchNorm', 'Dropout', 'Dense']);
      model.dispose();
    }
  });

  it('--no-save trains in process and records nothing', async () => {
    const dir = join(home, 'unsaved');
    const { code, stdout } = await runlab('--data-dir', dir, 'train', '--stop-after', '10', '--epochs', '1', '--json', '--no-save');
    expect(code).toBe(0);
    expect(JSON.parse(lines(stdout).at(-1)!)).toMatchObject({ status: 'completed', run_id: null });
    expect(await new RunStore(dir).list()).toEqual([]);
  });

  it.each([[[]], [['--no-save']]])(
    'a missing IDX folder is a wrong --data-path: one error line, exit 2, no run recorded %j',
    async (extra) => {
      const missing = join(home, 'missing');
      const dir = join(home, 'refused');
      const { code, stderr } = await runlab('--data-dir', dir, 'train', '--dataset', 'idx', '--data-path', missing, '--quiet', ...extra);
      expect(code).toBe(2);
      expect(lines(stderr).filter((l) => l.startsWith('error:'))).toEqual([`error: --data-path: Folder not found: ${missing}`]);
      expect(stderr).not.toMatch(/\n\s+at /);
      expect(await new RunStore(dir).list()).toEqual([]);
    },
  );

  it.each([[[]], [['--no-save']]])(
    'an IDX folder without the IDX files fails the run: one error line, exit 1, no stack trace %j',
    async (extra) => {
      const empty = join(home, 'empty-idx');
      await mkdir(empty, { recursive: true });
      const { code, stderr } = await runlab('train', '--dataset', 'idx', '--data-path', empty, '--quiet', ...extra);
      expect(code).toBe(1);
      const errors = lines(stderr).filter((l) => l.startsWith('error:'));
      expect(errors).toHaveLength(1);
      expect(errors[0]).toContain(empty);
      expect(stderr).not.toMatch(/\n\s+at /);
    },
  );

  it.each([[[]], [['--no-save']]])('Ctrl-C cancels the run cleanly: status cancelled, exit 130 %j', async (extra) => {
    const { child, done } = start(['train', '--epochs', '50', '--batch-size', '500', '--json', ...extra]);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // Interrupt once training is under way: the first epoch has been printed.
    await until(async () => stdout.includes('\n'));
    child.kill('SIGINT');
    const result = await done;
    expect(result.code).toBe(130);
    const final = JSON.parse(lines(result.stdout).at(-1)!) as { status: string; run_id: string | null; epochs: number };
    expect(final.status).toBe('cancelled');
    expect(final.epochs).toBeGreaterThanOrEqual(1);
    expect(final.epochs).toBeLessThan(50);
    if (final.run_id) expect((await new RunStore(home).get(final.run_id)).status).toBe('cancelled');
    else expect(extra).toEqual(['--no-save']);
    expect(stderr).toContain('cancelling');
    expect(stderr).not.toMatch(/\n\s+at /);
  });
});

async function until(condition: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
