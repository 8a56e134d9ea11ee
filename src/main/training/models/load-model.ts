/**
 * loadModel: reads a folder saved by saveModel (or any TensorFlow.js layers model made of
 * Dense, Conv2D 'same' and Flatten layers) back into a trainable Model. Problems name the
 * file and the field.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { Conv2d } from './conv2d';
import { Dense } from './dense';
import { Flatten } from './flatten';
import { variableFrom } from './init';
import { ACTIVATIONS, type Activation, type KerasLayerJson, type Layer } from './layer';
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
  const take: Take = (key, at) => {
    const t = weights.get(key) ?? fail('weightsManifest', `has no weight "${key}" for ${at}`);
    weights.delete(key);
    const v = variableFrom(t);
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
type Take = (key: string, at: string) => tf.Variable;

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
  const c = json.config;
  const name = typeof c.name === 'string' && c.name !== '' ? c.name : fail(`${at}.config.name`, 'must be a non-empty string');
  const activation = (c.activation ?? 'linear') as Activation;
  if (!ACTIVATIONS.includes(activation)) fail(`${at}.config.activation`, `must be one of ${ACTIVATIONS.join(', ')}`);
  if (json.class_name !== 'Flatten' && c.use_bias === false) fail(`${at}.config.use_bias`, 'must be true');
  const weight = (suffix: string): tf.Variable => take(`${name}/${suffix}`, at);
  switch (json.class_name) {
    case 'Dense':
      return new Dense(name, weight('kernel'), weight('bias'), activation);
    case 'Conv2D': {
      const strides = c.strides as unknown;
      const stride =
        Array.isArray(strides) && strides[0] === strides[1] ? (strides[0] as number) : fail(`${at}.config.strides`, 'must be [s, s]');
      if (c.padding !== 'same') fail(`${at}.config.padding`, 'must be "same"');
      if (c.data_format !== undefined && c.data_format !== 'channels_last') fail(`${at}.config.data_format`, 'must be "channels_last"');
      const dilation = c.dilation_rate as unknown;
      if (dilation !== undefined && !(Array.isArray(dilation) ? dilation.every((d) => d === 1) : dilation === 1)) {
        fail(`${at}.config.dilation_rate`, 'must be 1');
      }
      return new Conv2d(name, weight('kernel'), weight('bias'), stride, activation);
    }
    case 'Flatten':
      return new Flatten(name);
    default:
      return fail(`${at}.class_name`, `${JSON.stringify(json.class_name)} is not supported (Dense, Conv2D and Flatten are)`);
  }
}
