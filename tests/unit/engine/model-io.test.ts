/** Models: seeded init, save/load round trip in TensorFlow.js format, and clear load errors. */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { createCnn } from '../../../src/main/training/models/cnn';
import { loadModel } from '../../../src/main/training/models/load-model';
import { createMlp } from '../../../src/main/training/models/mlp';
import type { Model } from '../../../src/main/training/models/model';
import { saveModel, type ModelJson } from '../../../src/main/training/models/save-model';
import { Dropout } from '../../../src/main/training/models/dropout';
import { TRAINING } from '../../../src/main/training/models/layer';

let dir: string;
beforeAll(async () => {
  await initBackend('cpu');
});
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlab-model-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const weightsOf = (m: Model) => Promise.all(m.params.map((p) => p.data().then((d) => Array.from(d))));

async function predictions(model: Model, x: tf.Tensor): Promise<number[]> {
  const y = model.predict(x);
  const out = Array.from(await y.data());
  y.dispose();
  return out;
}

describe('seeded init', () => {
  it('gives identical weights for the same seed and different ones for another', async () => {
    const [a, b, c] = [1, 1, 2].map((seed) => createMlp({ inputs: 784, hidden: [50], classes: 10, seed }));
    expect(await weightsOf(a!)).toEqual(await weightsOf(b!));
    expect((await weightsOf(a!))[0]).not.toEqual((await weightsOf(c!))[0]);
    for (const m of [a, b, c]) m!.dispose();
  });

  it("draws from PyTorch's default U(±1/√fan_in) for weights and biases", async () => {
    const m = createMlp({ inputs: 784, hidden: [50], classes: 10, seed: 3 });
    const [k1, b1, k2] = await weightsOf(m);
    const bound1 = 1 / Math.sqrt(784);
    const largest = (values: number[]) => values.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(largest([...k1!, ...b1!])).toBeLessThanOrEqual(bound1);
    // Spread over the whole range, not squeezed near 0.
    expect(largest(k1!)).toBeGreaterThan(0.99 * bound1);
    const bound2 = 1 / Math.sqrt(50);
    expect(largest(k2!)).toBeLessThanOrEqual(bound2);
    expect(largest(k2!)).toBeGreaterThan(0.9 * bound2);
    m.dispose();
  });

  it('builds the notebook MLP (784→50→10), the small CNN and a wider one with the expected sizes', () => {
    const mlp = createMlp({ inputs: 784, classes: 10, seed: 0 });
    expect(mlp.params.map((p) => p.shape)).toEqual([[784, 50], [50], [50, 10], [10]]);
    expect(mlp.paramCount).toBe(784 * 50 + 50 + 50 * 10 + 10);
    const cnn = createCnn({ classes: 10, seed: 0 });
    expect(cnn.params.map((p) => p.shape)).toEqual([[3, 3, 1, 8], [8], [3, 3, 8, 16], [16], [784, 10], [10]]);
    expect(cnn.outputShape).toEqual([10]);
    const wide = createCnn({ classes: 10, seed: 0, filters: [32, 64] });
    expect(wide.params.map((p) => p.shape)).toEqual([[3, 3, 1, 32], [32], [3, 3, 32, 64], [64], [7 * 7 * 64, 10], [10]]);
    mlp.dispose();
    cnn.dispose();
    wide.dispose();
  });
});

describe('saveModel / loadModel', () => {
  it.each([
    ['mlp', () => createMlp({ inputs: 784, hidden: [20, 10], classes: 10, seed: 5 }), [4, 784]],
    ['cnn', () => createCnn({ classes: 10, seed: 5 }), [4, 28, 28, 1]],
    ['wider cnn', () => createCnn({ classes: 10, seed: 5, filters: [32, 64] }), [4, 28, 28, 1]],
  ] as const)('round-trips the %s: same weights, identical predictions', async (_name, make, xShape) => {
    const model = make();
    const x = tf.randomUniform([...xShape], -1, 1, 'float32', 9);
    await saveModel(model, join(dir, 'last'));
    expect((await readdir(join(dir, 'last'))).sort()).toEqual(['model.json', 'weights.bin']);
    const loaded = await loadModel(join(dir, 'last'));
    expect(loaded.name).toBe(model.name);
    expect(loaded.inputShape).toEqual(model.inputShape);
    expect(await weightsOf(loaded)).toEqual(await weightsOf(model));
    expect(await predictions(loaded, x)).toEqual(await predictions(model, x));
    for (const t of [model, loaded, x]) t.dispose();
  });

  it.each([
    ['mlp', () => createMlp({ inputs: 12, hidden: [9, 7], classes: 3, seed: 5, dropout: 0.3, batchNorm: true }), [6, 12]],
    ['cnn', () => createCnn({ classes: 10, seed: 5, dropout: 0.3, batchNorm: true }), [6, 28, 28, 1]],
  ] as const)(
    'round-trips the %s with batch norm and dropout: layers by class, running statistics kept and not trainable, same predictions',
    async (_name, make, xShape) => {
      const model = make();
      const x = tf.randomUniform([...xShape], -1, 1, 'float32', 9);
      // A training pass moves the running statistics off their start.
      tf.dispose(model.forward(x, TRAINING));
      await saveModel(model, join(dir, 'best'));
      const loaded = await loadModel(join(dir, 'best'));
      expect(loaded.layers.map((l) => l.constructor.name)).toEqual(model.layers.map((l) => l.constructor.name));
      expect(loaded.namedWeights.map((w) => [w.name, w.trainable])).toEqual(model.namedWeights.map((w) => [w.name, w.trainable]));
      const all = (m: Model) => Promise.all(m.namedWeights.map((w) => w.variable.data().then((d) => Array.from(d))));
      expect(await all(loaded)).toEqual(await all(model));
      expect(loaded.params).toHaveLength(model.params.length);
      expect(loaded.params.every((p) => p.trainable)).toBe(true);
      const dropout = loaded.layers.find((l) => l instanceof Dropout) as Dropout;
      expect([dropout.rate, dropout.seed]).toEqual([0.3, (model.layers.find((l) => l instanceof Dropout) as Dropout).seed]);
      expect(await predictions(loaded, x)).toEqual(await predictions(model, x));
      for (const t of [model, loaded, x]) t.dispose();
    },
  );

  it('writes batch norm and dropout so that tf.loadLayersModel reads them with the same predictions', async () => {
    const model = createCnn({ classes: 10, seed: 6, dropout: 0.5, batchNorm: true });
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 4);
    tf.dispose(model.forward(x, TRAINING));
    await saveModel(model, join(dir, 'm'));
    const json = JSON.parse(await readFile(join(dir, 'm', 'model.json'), 'utf8')) as ModelJson;
    const bin = await readFile(join(dir, 'm', 'weights.bin'));
    const keras = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology as unknown as object,
        weightSpecs: json.weightsManifest[0]!.weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    const theirs = keras.predict(x) as tf.Tensor;
    const ours = await predictions(model, x);
    Array.from(await theirs.data()).forEach((v, i) => expect(v).toBeCloseTo(ours[i]!, 4));
    keras.dispose();
    for (const t of [model, x, theirs]) t.dispose();
  });

  it('writes a TensorFlow.js layers model that tf.loadLayersModel reads with the same predictions', async () => {
    const model = createCnn({ classes: 10, seed: 6 });
    await saveModel(model, join(dir, 'm'));
    const json = JSON.parse(await readFile(join(dir, 'm', 'model.json'), 'utf8')) as ModelJson;
    expect(json.format).toBe('layers-model');
    expect(json.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    const bin = await readFile(join(dir, 'm', 'weights.bin'));
    const keras = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology as unknown as object,
        weightSpecs: json.weightsManifest[0]!.weights,
        weightData: bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength),
      }),
    );
    const x = tf.randomUniform([3, 28, 28, 1], 0, 1, 'float32', 4);
    const theirs = keras.predict(x) as tf.Tensor;
    const ours = await predictions(model, x);
    Array.from(await theirs.data()).forEach((v, i) => expect(v).toBeCloseTo(ours[i]!, 5));
    keras.dispose();
    for (const t of [model, x, theirs]) t.dispose();
  });

  it('replaces an existing folder and leaves no temp folders behind', async () => {
    const a = createMlp({ inputs: 4, hidden: [3], classes: 2, seed: 1 });
    const b = createMlp({ inputs: 4, hidden: [3], classes: 2, seed: 2 });
    await saveModel(a, join(dir, 'last'));
    await saveModel(b, join(dir, 'last'));
    expect(await readdir(dir)).toEqual(['last']);
    const loaded = await loadModel(join(dir, 'last'));
    expect(await weightsOf(loaded)).toEqual(await weightsOf(b));
    for (const m of [a, b, loaded]) m.dispose();
  });
});

describe('loadModel errors name the file and the field', () => {
  async function saved(): Promise<{ path: string; json: ModelJson }> {
    const m = createMlp({ inputs: 4, hidden: [3], classes: 2, seed: 1 });
    await saveModel(m, join(dir, 'm'));
    m.dispose();
    return { path: join(dir, 'm'), json: JSON.parse(await readFile(join(dir, 'm', 'model.json'), 'utf8')) as ModelJson };
  }

  it('a missing folder', async () => {
    await expect(loadModel(join(dir, 'nope'))).rejects.toThrow(`${join(dir, 'nope', 'model.json')}: cannot read the model`);
  });

  it('an unsupported layer, without leaking tensors', async () => {
    const { path, json } = await saved();
    json.modelTopology.config.layers[1]!.class_name = 'LSTM';
    await writeFile(join(path, 'model.json'), JSON.stringify(json));
    const before = tf.memory().numTensors;
    await expect(loadModel(path)).rejects.toThrow('modelTopology.config.layers[1].class_name "LSTM" is not supported');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('a weights file of the wrong size', async () => {
    const { path } = await saved();
    await writeFile(join(path, 'weights.bin'), new Uint8Array(12));
    await expect(loadModel(path)).rejects.toThrow(/weightsManifest\[0\]\.paths hold 12 bytes, but the weights need \d+/);
  });

  it('a missing weight', async () => {
    const { path, json } = await saved();
    json.weightsManifest[0]!.weights[3]!.name = 'dense_2/other';
    await writeFile(join(path, 'model.json'), JSON.stringify(json));
    await expect(loadModel(path)).rejects.toThrow('has no weight "dense_2/bias"');
  });

  it('a bad layer config, named by its path', async () => {
    const m = createMlp({ inputs: 4, hidden: [3], classes: 2, seed: 1, dropout: 0.2 });
    await saveModel(m, join(dir, 'm'));
    m.dispose();
    const json = JSON.parse(await readFile(join(dir, 'm', 'model.json'), 'utf8')) as ModelJson;
    json.modelTopology.config.layers[1]!.config.rate = 1.5;
    await writeFile(join(dir, 'm', 'model.json'), JSON.stringify(json));
    await expect(loadModel(join(dir, 'm'))).rejects.toThrow(
      'modelTopology.config.layers[1].config.rate must be a number from 0 to below 1',
    );
  });

  it('lists the registered layer classes for an unknown one', async () => {
    const { path, json } = await saved();
    json.modelTopology.config.layers[0]!.class_name = 'Embedding';
    await writeFile(join(path, 'model.json'), JSON.stringify(json));
    await expect(loadModel(path)).rejects.toThrow('(Dense, Conv2D, Flatten, Dropout, BatchNormalization are)');
  });
});
