/**
 * loadCheckpoint: reads a checkpoint folder written by ResumeCheckpointCallback back — its
 * state.json (validated, version checked), its model (loadModel, so every weight is named
 * and shaped) and the optimizer's slot tensors from optimizer.bin. Problems name the file.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { OPTIMIZER_BIN, STATE_JSON, parseCheckpointState, type CheckpointState } from '../../../shared/checkpoint';
import { loadModel } from '../models/load-model';
import type { Model } from '../models/model';

export interface LoadedCheckpoint {
  dir: string;
  state: CheckpointState;
  /** The saved model (its weights are what a resumed model takes). */
  model: Model;
  /** The optimizer's slot tensors by `<slot>/<weight name>`. */
  slots: Map<string, tf.Tensor>;
  dispose(): void;
}

export async function loadCheckpoint(dir: string): Promise<LoadedCheckpoint> {
  const stateFile = join(dir, STATE_JSON);
  const text = await readFile(stateFile, 'utf8').catch((error: Error) => {
    throw new Error(`${stateFile}: cannot read the checkpoint (${error.message})`, { cause: error });
  });
  const parsed = parseCheckpointState(text, stateFile);
  if (!parsed.ok) throw new Error(parsed.reason);
  const { state } = parsed;
  const slots = await readSlots(join(dir, OPTIMIZER_BIN), state);
  let model: Model;
  try {
    model = await loadModel(dir);
  } catch (error) {
    for (const t of slots.values()) t.dispose();
    throw error;
  }
  return {
    dir,
    state,
    model,
    slots,
    dispose() {
      model.dispose();
      for (const t of slots.values()) t.dispose();
    },
  };
}

async function readSlots(file: string, state: CheckpointState): Promise<Map<string, tf.Tensor>> {
  const specs = state.optimizer.weights;
  const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
  const bytes = await readFile(file).catch((error: Error) => {
    throw new Error(`${file}: cannot read the optimizer state (${error.message})`, { cause: error });
  });
  if (bytes.byteLength !== expected)
    throw new Error(`${file}: holds ${bytes.byteLength} bytes, but state.json's optimizer weights need ${expected}`);
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  return new Map(Object.entries(tf.io.decodeWeights(buffer, specs)));
}
