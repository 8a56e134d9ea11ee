/** Shared set-up for the RunStore tests: a fresh data folder and small metric rows. */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import { LabError } from '../../../src/shared/api';
import { RunStore } from '../../../src/main/runs/store/store';
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../../src/shared/hyperparams';
import type { EpochRow, IterRow } from '../../../src/shared/records';

export const config: Hyperparams = DEFAULT_HYPERPARAMS;

export async function tempDir(prefix = 'runlab-store-'): Promise<string> {
  return mkdtemp(join(tmpdir(), prefix));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export function iterRow(iter: number, loss = 2.3 - iter * 0.01): IterRow {
  return { kind: 'iter', iter, epoch: iter / 125, loss, lr: 0.5, t: iter * 10 };
}

export function epochRow(epoch: number): EpochRow {
  return {
    kind: 'epoch',
    epoch,
    iter: epoch * 125,
    train_loss: 0.5 / epoch,
    train_accuracy: 0.8,
    valid_loss: null,
    valid_accuracy: 0.9,
    seconds: 1.5,
    t: epoch * 1500,
  };
}

/** Every file and folder under `root` with its size and mtime: equal snapshots mean nothing changed. */
export async function snapshotTree(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      const info = await stat(path);
      out[relative(root, path)] = entry.isDirectory() ? 'dir' : `${info.size}:${info.mtimeMs}:${(await readFile(path)).toString('base64')}`;
      if (entry.isDirectory()) await walk(path);
    }
  };
  await walk(root);
  return out;
}

/** The LabError a store call rejects with (fails the test if it resolves). */
export async function rejection(promise: Promise<unknown>): Promise<LabError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LabError);
  return error as LabError;
}

/** Registers hooks giving every test a fresh RunStore in its own temp data folder. */
export function useTempStore(): { readonly dataDir: string; readonly store: RunStore } {
  const current = { dataDir: '', store: null as unknown as RunStore };
  beforeEach(async () => {
    current.dataDir = await tempDir();
    current.store = new RunStore(current.dataDir);
  });
  afterEach(async () => {
    await removeDir(current.dataDir);
  });
  return current;
}
