/**
 * saveModel: writes a Model as a TensorFlow.js layers model — `model.json` (Keras topology
 * + weights manifest) and `weights.bin` — the format tf.loadLayersModel reads. The folder
 * is written beside the target and swapped in, so a reader never sees half a model.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import type { Model, SequentialTopology } from './model';

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** The model.json of a TensorFlow.js layers model, as far as Runlab writes and reads it. */
export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: SequentialTopology;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

async function writeDurably(file: string, data: string | Uint8Array): Promise<void> {
  const handle = await open(file, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** The two files of a saved model, as bytes: model.json's text and weights.bin. */
export async function encodeModel(model: Model): Promise<{ json: string; weights: Uint8Array }> {
  const { data, specs } = await tf.io.encodeWeights(model.namedWeights.map((w) => ({ name: w.name, tensor: w.variable })));
  const json: ModelJson = {
    format: 'layers-model',
    generatedBy: `Runlab (TensorFlow.js ${tf.version.tfjs})`,
    convertedBy: null,
    modelTopology: model.topology(),
    weightsManifest: [{ paths: [WEIGHTS_BIN], weights: specs }],
  };
  return { json: `${JSON.stringify(json, null, 1)}\n`, weights: new Uint8Array(data) };
}

export async function saveModel(model: Model, dir: string): Promise<void> {
  const { json, weights } = await encodeModel(model);
  await mkdir(dirname(dir), { recursive: true });
  const tmp = `${dir}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(tmp);
    await writeDurably(join(tmp, WEIGHTS_BIN), weights);
    await writeDurably(join(tmp, MODEL_JSON), json);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
