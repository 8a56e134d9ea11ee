/**
 * saveModel: writes a Model as a TensorFlow.js layers model — `model.json` (Keras topology
 * + weights manifest) and `weights.bin` — the format tf.loadLayersModel reads. The folder
 * is written beside the target and swapped in (replaceFolder): a reader never sees half a
 * model, and the old one stays until the new one is in place.
 */
import { replaceFolder } from '../../fs/replace-folder';
import { MODEL_JSON, WEIGHTS_BIN } from './model-folder';
import * as tf from '@tensorflow/tfjs';
import type { Model, SequentialTopology } from './model';

export { MODEL_JSON, WEIGHTS_BIN } from './model-folder';

/** The model.json of a TensorFlow.js layers model, as far as Runlab writes and reads it. */
export interface ModelJson {
  format: 'layers-model';
  generatedBy: string;
  convertedBy: null;
  modelTopology: SequentialTopology;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
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
  await replaceFolder(dir, { [WEIGHTS_BIN]: weights, [MODEL_JSON]: json });
}
