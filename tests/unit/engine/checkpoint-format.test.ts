/** The checkpoint format: folder names, state.json's version check, and clear errors for a damaged checkpoint. */
import { mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CHECKPOINTS_DIR,
  OPTIMIZER_BIN,
  STATE_JSON,
  checkpointName,
  parseCheckpointName,
  parseCheckpointState,
} from '../../../src/shared/checkpoint';
import { DEFAULT_HYPERPARAMS } from '../../../src/shared/hyperparams';
import { initBackend } from '../../../src/main/training/backend';
import { loadCheckpoint } from '../../../src/main/training/checkpoint/load-checkpoint';
import { runJob } from '../../../src/main/training/job';
import { writeBlobsCsv } from '../../helpers/synthetic-csv';

let dir: string;
let checkpoint: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlab-ckpt-'));
  await initBackend('cpu');
  const csv = await writeBlobsCsv(dir, { rows: 100 });
  const config = {
    ...DEFAULT_HYPERPARAMS,
    dataset: 'csv' as const,
    dataPath: csv,
    optimizer: 'adam' as const,
    lr: 0.01,
    epochs: 1,
    backend: 'cpu' as const,
  };
  await runJob(config, { checkpointDir: join(dir, CHECKPOINTS_DIR) });
  checkpoint = join(dir, CHECKPOINTS_DIR, 'epoch-0001');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('checkpoint folder names', () => {
  it('name a position and read back to it; anything else is no checkpoint', () => {
    expect(checkpointName({ epoch: 3, batch: 0 })).toBe('epoch-0003');
    expect(checkpointName({ epoch: 3, batch: 17 })).toBe('epoch-0003-batch-00017');
    expect(parseCheckpointName('epoch-0003-batch-00017')).toEqual({ epoch: 3, batch: 17 });
    expect(parseCheckpointName('epoch-12345')).toEqual({ epoch: 12345, batch: 0 });
    for (const name of ['.tmp-epoch-0003-1-ab', 'epoch-3', 'epoch-0003-batch-00000', 'last']) expect(parseCheckpointName(name)).toBeNull();
  });
});

describe('state.json', () => {
  it('holds the optimizer (Adam: step count, m and v), the lr plan, the position and the callbacks', async () => {
    const state = JSON.parse(await readFile(join(checkpoint, STATE_JSON), 'utf8'));
    expect(state).toMatchObject({
      format: 'runlab-checkpoint',
      version: 1,
      kind: 'epoch',
      position: { epoch: 1, batch: 0 },
      n_iter: 2,
      optimizer: { kind: 'adam', step: 2, slots: ['m', 'v'] },
      lr: { kind: 'constant', lr: 0.01, scale: 1 },
    });
    expect(Object.keys(state.callbacks)).toEqual(
      expect.arrayContaining([
        'TrainEvalCallback',
        'AvgStatsCallback',
        'RecorderCallback',
        'ThroughputCallback',
        'ResumeCheckpointCallback',
      ]),
    );
  });

  it('of another version is refused, naming both versions', async () => {
    const text = (await readFile(join(checkpoint, STATE_JSON), 'utf8')).replace('"version": 1', '"version": 2');
    const parsed = parseCheckpointState(text, 'state.json');
    expect(parsed).toEqual({ ok: false, reason: expect.stringMatching(/checkpoint version 2; this Runlab reads version 1/) });
    expect(parseCheckpointState('{"format":"something"}', 'x.json')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not a Runlab checkpoint/),
    });
  });

  it('a checkpoint with a short optimizer.bin or a bad field is an error naming the file', async () => {
    const copy = join(dir, 'copy');
    await runJob(
      { ...DEFAULT_HYPERPARAMS, dataset: 'csv', dataPath: join(dir, 'blobs.csv'), optimizer: 'momentum', epochs: 1, backend: 'cpu' },
      { checkpointDir: copy },
    );
    const ckpt = join(copy, 'epoch-0001');
    const loaded = await loadCheckpoint(ckpt);
    loaded.dispose();
    await truncate(join(ckpt, OPTIMIZER_BIN), 10);
    await expect(loadCheckpoint(ckpt)).rejects.toThrow(/optimizer\.bin: holds 10 bytes, but state\.json's optimizer weights need \d+/);
    const state = JSON.parse(await readFile(join(ckpt, STATE_JSON), 'utf8'));
    await writeFile(join(ckpt, STATE_JSON), JSON.stringify({ ...state, n_iter: -1 }));
    await expect(loadCheckpoint(ckpt)).rejects.toThrow(/state\.json: n_iter /);
  });
});
