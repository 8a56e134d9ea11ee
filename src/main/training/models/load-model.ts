/**
 * loadModel: reads a folder saved by saveModel (or any TensorFlow.js layers model made of
 * registered layers: Dense, Conv2D 'same', Flatten, Dropout, BatchNormalization) back into
 * a trainable Model, each layer built by its class from the registry (layers.ts). Problems
 * name the file and the field.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { variableFrom } from './init';
import type { KerasLayerJson, Layer } from './layer';
import { layerClass, layerClassNames } from './layers';
import { Model } from './model';
import { MODEL_JSON } from './save-model';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

export async function loadModel(dir: string): Promise<Model> {
  const file = join(dir, MODEL_JSON);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`${file}: cannot read the model (${(err as Error).message})`, { cause: err });
  }
  const fail = (field: string, expected: string): never => {
    throw new Error(`${file}: ${field} ${expected}`);
  };
  if (!isObject(json)) return fail('(file)', 'must be a JSON object');
  if (json.format !== undefined && json.format !== 'layers-model')
    fail('format', `must be "layers-model", got ${JSON.stringify(json.format)}`);
  const topo =
    isObject(json.modelTopology) && isObject(json.modelTopology.model_config) ? json.modelTopology.model_config : json.modelTopology;
  if (!isObject(topo) || topo.class_name !== 'Sequential') return fail('modelTopology.class_name', 'must be "Sequential"');
  const config = isObject(topo.config) ? topo.config : fail('modelTopology.config', 'must be an object');
  const layerJsons =
    Array.isArray(config.layers) && config.layers.length > 0
      ? config.layers
      : fail('modelTopology.config.layers', 'must be a non-empty list');

  const weights = await readWeights(dir, json.weightsManifest, fail);
  const created: tf.Variable[] = [];
  const take: Take = (key, at, trainable) => {
    const t = weights.get(key) ?? fail('weightsManifest', `has no weight "${key}" for ${at}`);
    weights.delete(key);
    const v = variableFrom(t, trainable);
    created.push(v);
    return v;
  };
  try {
    const first = layerJsons[0] as KerasLayerJson;
    const inputShape = isObject(first) && isObject(first.config) ? first.config.batch_input_shape : undefined;
    if (!Array.isArray(inputShape) || inputShape.length < 2 || !inputShape.slice(1).every((d) => Number.isInteger(d) && d > 0)) {
      fail('modelTopology.config.layers[0].config.batch_input_shape', 'must be [null, ...positive sizes]');
    }
    const layers = layerJsons.map((l, i) => buildLayer(l, `modelTopology.config.layers[${i}]`, take, fail));
    const name = typeof config.name === 'string' ? config.name : 'model';
    const model = new Model(name, (inputShape as number[]).slice(1), layers);
    if (weights.size > 0) fail('weightsManifest', `has weights no layer uses: ${[...weights.keys()].join(', ')}`);
    return model;
  } catch (err) {
    for (const t of [...weights.values(), ...created]) t.dispose();
    throw err instanceof Error && err.message.startsWith(file) ? err : new Error(`${file}: ${(err as Error).message}`);
  }
}

type Fail = (field: string, expected: string) => never;
type Take = (key: string, at: string, trainable: boolean) => tf.Variable;

async function readWeights(dir: string, manifest: unknown, fail: Fail): Promise<Map<string, tf.Tensor>> {
  if (!Array.isArray(manifest)) return fail('weightsManifest', 'must be a list of weight groups');
  const out = new Map<string, tf.Tensor>();
  for (const [g, group] of manifest.entries()) {
    if (!isObject(group) || !Array.isArray(group.paths) || !Array.isArray(group.weights)) {
      fail(`weightsManifest[${g}]`, 'must have "paths" and "weights" lists');
    }
    const { paths, weights: specs } = group as { paths: string[]; weights: tf.io.WeightsManifestEntry[] };
    const buffers = await Promise.all(
      paths.map(async (p) => {
        const bytes = await readFile(join(dir, p)).catch((err: Error) =>
          fail(`weightsManifest[${g}].paths`, `names ${p}, which cannot be read (${err.message})`),
        );
        return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      }),
    );
    const expected = specs.reduce((n, s) => n + s.shape.reduce((a, b) => a * b, 1) * 4, 0);
    const got = buffers.reduce((n, b) => n + b.byteLength, 0);
    if (specs.some((s) => s.dtype !== 'float32' || s.quantization !== undefined))
      fail(`weightsManifest[${g}].weights`, 'must be unquantized float32');
    if (got !== expected) fail(`weightsManifest[${g}].paths`, `hold ${got} bytes, but the weights need ${expected}`);
    const decoded = tf.io.decodeWeights(tf.io.concatenateArrayBuffers(buffers), specs);
    for (const [name, t] of Object.entries(decoded)) out.set(name, t);
  }
  return out;
}

function buildLayer(json: unknown, at: string, take: Take, fail: Fail): Layer {
  if (!isObject(json) || !isObject(json.config)) return fail(at, 'must be {class_name, config}');
  const config = json.config;
  const name =
    typeof config.name === 'string' && config.name !== '' ? config.name : fail(`${at}.config.name`, 'must be a non-empty string');
  const cls = typeof json.class_name === 'string' ? layerClass(json.class_name) : undefined;
  if (cls === undefined) {
    return fail(`${at}.class_name`, `${JSON.stringify(json.class_name)} is not supported (${layerClassNames().join(', ')} are)`);
  }
  return cls.fromJSON({
    name,
    config,
    weight: (suffix, trainable = true) => take(`${name}/${suffix}`, at, trainable),
    fail: (field, expected) => fail(`${at}.${field}`, expected),
  });
}
