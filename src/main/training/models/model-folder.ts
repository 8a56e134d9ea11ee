/**
 * A saved model's folder (model/last, model/best): its two file names, and recoverModelFolders,
 * which puts right what a crash during a save left (see replaceFolder). No TensorFlow.js here:
 * the store runs it for interrupted runs when the lab starts.
 */
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { recoverFolders } from '../../fs/replace-folder';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

interface ManifestWeight {
  shape: number[];
  dtype: string;
}

/** Restores model/last or model/best from the leftovers of a crashed save; returns the names restored. */
export async function recoverModelFolders(modelDir: string): Promise<string[]> {
  return recoverFolders(modelDir, { isComplete: isWholeModel });
}

/** A lone temp folder is whole when its model.json parses and weights.bin holds the bytes its manifest lists. */
async function isWholeModel(folder: string): Promise<boolean> {
  try {
    const json = JSON.parse(await readFile(join(folder, MODEL_JSON), 'utf8')) as { weightsManifest?: { weights: ManifestWeight[] }[] };
    const bytes = (json.weightsManifest ?? [])
      .flatMap((group) => group.weights)
      .reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1) * (w.dtype === 'float32' || w.dtype === 'int32' ? 4 : 1), 0);
    return bytes > 0 && (await stat(join(folder, WEIGHTS_BIN))).size === bytes;
  } catch {
    return false;
  }
}
