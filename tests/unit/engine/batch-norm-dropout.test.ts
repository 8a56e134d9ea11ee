/**
 * BatchNorm and Dropout, the two layers that need the layer contract's `{ training }` flag
 * and saved values: their hand-written gradients against TensorFlow.js's autodiff of the
 * textbook formula (on cpu and wasm), batch vs running statistics, the masks' statistics
 * and seeding, and running statistics that the optimizer never steps.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { Learner } from '../../../src/main/training/loop/learner';
import { Runner } from '../../../src/main/training/loop/runner';
import { crossEntropy } from '../../../src/main/training/loss';
import { BatchNorm } from '../../../src/main/training/models/batch-norm';
import { createMlp } from '../../../src/main/training/models/mlp';
import { Dense } from '../../../src/main/training/models/dense';
import { Dropout } from '../../../src/main/training/models/dropout';
import { INFERENCE, TRAINING, type ForwardContext, type Layer } from '../../../src/main/training/models/layer';
import { Model } from '../../../src/main/training/models/model';
import { tapedLayer } from '../../../src/main/training/models/taped-op';
import { SGD } from '../../../src/main/training/optim/optimizers';
import { tinyBunch } from './engine-fixtures';

afterAll(async () => {
  await initBackend('cpu');
});

const values = async (t: tf.Tensor): Promise<number[]> => Array.from(await t.data());

function expectClose(actual: number[], expected: number[], digits = 4): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((v, i) => expect(v, `element ${i}`).toBeCloseTo(expected[i]!, digits));
}

/** d/dx and d/d(trainable weights) of Σ(f(x) · upstream), by autodiff. */
function gradsOf(f: (x: tf.Tensor) => tf.Tensor, x: tf.Tensor, weights: tf.Variable[], upstream: tf.Tensor): tf.Tensor[] {
  const dx = tf.grad((xx: tf.Tensor) => tf.sum(tf.mul(f(xx), upstream)))(x);
  if (weights.length === 0) return [dx];
  const { grads, value } = tf.variableGrads(() => tf.sum(tf.mul(f(x), upstream)) as tf.Scalar, weights);
  value.dispose();
  return [dx, ...weights.map((w) => grads[w.name]!)];
}

/** The textbook batch norm over every axis but the last, in plain ops. */
function referenceBatchNorm(bn: BatchNorm, x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
  const axes = Array.from({ length: x.rank - 1 }, (_, i) => i);
  const { mean, variance } = ctx.training ? tf.moments(x, axes) : { mean: bn.movingMean, variance: bn.movingVariance };
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, bn.eps))), bn.gamma), bn.beta);
}

/** A BatchNorm with gamma and beta away from 1 and 0, and running statistics away from 0 and 1. */
function batchNorm(channels: number): BatchNorm {
  const bn = BatchNorm.create('bn', channels);
  bn.gamma.assign(tf.randomUniform([channels], 0.5, 2, 'float32', 11));
  bn.beta.assign(tf.randomUniform([channels], -1, 1, 'float32', 12));
  bn.movingMean.assign(tf.randomUniform([channels], -0.5, 0.5, 'float32', 13));
  bn.movingVariance.assign(tf.randomUniform([channels], 0.5, 1.5, 'float32', 14));
  return bn;
}

const dispose = (layer: Layer) => layer.weights.forEach((w) => w.variable.dispose());

describe.each(['cpu', 'wasm'] as const)('on %s', (backend) => {
  it.each([
    ['BatchNorm1d', [6, 5]],
    ['BatchNorm2d', [3, 4, 4, 5]],
  ] as const)('%s in training and in inference: y, d/dx, d/dγ, d/dβ match autodiff of the formula', async (_, shape) => {
    await initBackend(backend);
    for (const ctx of [TRAINING, INFERENCE]) {
      const bn = batchNorm(shape.at(-1)!);
      const x = tf.randomUniform([...shape], -2, 3, 'float32', 1);
      const upstream = tf.randomUniform([...shape], -1, 1, 'float32', 2);
      const params = [bn.gamma, bn.beta];
      const ours = gradsOf((xx) => tapedLayer(bn, xx, true, ctx), x, params, upstream);
      const ref = gradsOf((xx) => referenceBatchNorm(bn, xx, ctx), x, params, upstream);
      for (let i = 0; i < ref.length; i++) expectClose(await values(ours[i]!), await values(ref[i]!));
      const y = bn.forward(x, ctx);
      expectClose(await values(y.y), await values(referenceBatchNorm(bn, x, ctx)));
      tf.dispose([x, upstream, ...ours, ...ref, y.y, ...y.saved]);
      dispose(bn);
    }
  });

  it('Dropout in training: d/dx is the saved mask times dy, as autodiff of x · mask', async () => {
    await initBackend(backend);
    const drop = new Dropout('drop', 0.4, 5);
    const x = tf.randomUniform([8, 6], -1, 1, 'float32', 1);
    const upstream = tf.randomUniform([8, 6], -1, 1, 'float32', 2);
    const { y, saved } = drop.forward(x, TRAINING);
    const [mask] = saved;
    expectClose(await values(y), await values(tf.mul(x, mask!)));
    const { dx } = drop.backward({ x, y, dy: upstream, saved, training: true, inputGrad: true });
    const [ref] = gradsOf((xx) => tf.mul(xx, mask!), x, [], upstream);
    expectClose(await values(dx!), await values(ref!));
    tf.dispose([x, upstream, y, mask!, dx!, ref!]);
  });
});

describe('BatchNorm', () => {
  it('moves its running statistics by PyTorch’s rule (momentum 0.1, unbiased variance) in training only', async () => {
    await initBackend('cpu');
    const bn = batchNorm(2);
    const x = tf.tensor2d([
      [1, 10],
      [2, 20],
      [6, 60],
    ]);
    const [mean0, var0] = [await values(bn.movingMean), await values(bn.movingVariance)];
    tf.dispose(Object.values(bn.forward(x, INFERENCE)).flat());
    expect(await values(bn.movingMean)).toEqual(mean0);
    tf.dispose(Object.values(bn.forward(x, TRAINING)).flat());
    // Batch means 3 and 30; unbiased variances 7 and 700.
    expectClose(await values(bn.movingMean), [0.9 * mean0[0]! + 0.3, 0.9 * mean0[1]! + 3], 5);
    expectClose(await values(bn.movingVariance), [0.9 * var0[0]! + 0.7, 0.9 * var0[1]! + 70], 4);
    x.dispose();
    dispose(bn);
  });

  it('normalizes by the batch in training and by the running statistics in inference', async () => {
    await initBackend('cpu');
    const bn = BatchNorm.create('bn', 1);
    const x = tf.tensor2d([[2], [4]]);
    const train = bn.forward(x, TRAINING);
    // Batch mean 3, variance 1: y = ±1 (up to eps).
    expectClose(await values(train.y), [-1, 1]);
    // Running mean 0.3, variance 0.9 + 0.1·2 = 1.1 after that one step.
    const infer = bn.forward(x, INFERENCE);
    expectClose(await values(infer.y), [(2 - 0.3) / Math.sqrt(1.1 + 1e-5), (4 - 0.3) / Math.sqrt(1.1 + 1e-5)]);
    tf.dispose([x, train.y, ...train.saved, infer.y, ...infer.saved]);
    dispose(bn);
  });

  it('keeps its running statistics out of the optimizer: a fit moves them only by the running rule', async () => {
    await initBackend('cpu');
    const data = tinyBunch({ nTrain: 4, batchSize: 4 });
    const dense = Dense.create('dense_1', 4, 3, 'relu', 0, 0);
    const bn = BatchNorm.create('bn_1', 3);
    const out = Dense.create('dense_2', 3, 2, 'linear', 0, 1);
    const model = new Model('m', [4], [dense, bn, out]);
    expect(model.params).toEqual([dense.kernel, dense.bias, bn.gamma, bn.beta, out.kernel, out.bias]);
    expect(model.namedWeights.filter((w) => !w.trainable).map((w) => w.name)).toEqual(['bn_1/moving_mean', 'bn_1/moving_variance']);
    // One step of a huge learning rate: had SGD stepped them, they would be far off.
    const hidden = tf.tidy(() => (dense as Layer).forward(tf.tensor(data.trainDs.x, [4, 4]), TRAINING).y);
    const batchMean = await values(tf.mean(hidden, 0));
    const opt = new SGD(model.params, { lr: 100 });
    await new Runner().fit(1, new Learner(model, opt, crossEntropy, data));
    expectClose(
      await values(bn.movingMean),
      batchMean.map((m) => 0.1 * m),
      5,
    );
    tf.dispose(hidden);
    opt.dispose();
    model.dispose();
  });
});

describe('Dropout', () => {
  it('zeroes about `rate` of the values, scales the rest by 1/(1 − rate), and is the identity in inference', async () => {
    await initBackend('cpu');
    const drop = new Dropout('drop', 0.3, 1);
    const x = tf.ones([200, 50]);
    const { y, saved } = drop.forward(x, TRAINING);
    const v = await values(y);
    const zeros = v.filter((e) => e === 0).length / v.length;
    expect(zeros).toBeGreaterThan(0.28);
    expect(zeros).toBeLessThan(0.32);
    expect(new Set(v.filter((e) => e !== 0).map((e) => e.toFixed(5)))).toEqual(new Set([(1 / 0.7).toFixed(5)]));
    const infer = drop.forward(x, INFERENCE);
    expect(infer.y).toBe(x);
    expect(infer.saved).toEqual([]);
    tf.dispose([x, y, ...saved]);
  });

  it('draws a new mask each step, the same sequence for the same seed on every backend', async () => {
    const masks = async (backend: 'cpu' | 'wasm', seed: number) => {
      await initBackend(backend);
      const drop = Dropout.create('dropout_1', 0.5, seed, 0);
      const x = tf.ones([4, 16]);
      const out: number[][] = [];
      for (let i = 0; i < 3; i++) {
        const { y, saved } = drop.forward(x, TRAINING);
        out.push(await values(y));
        tf.dispose([y, ...saved]);
      }
      x.dispose();
      expect(drop.draws).toBe(3);
      return out;
    };
    const cpu = await masks('cpu', 42);
    expect(await masks('wasm', 42)).toEqual(cpu);
    expect(cpu[1]).not.toEqual(cpu[0]);
    expect(await masks('cpu', 43)).not.toEqual(cpu);
  });

  it('trains an MLP with dropout and batch norm with the same tensors after every epoch', async () => {
    await initBackend('wasm');
    const model = createMlp({ inputs: 4, hidden: [8, 6], classes: 2, seed: 1, dropout: 0.25, batchNorm: true });
    expect(model.layers.map((l) => l.constructor.name)).toEqual([
      'Dense',
      'BatchNorm',
      'Dropout',
      'Dense',
      'BatchNorm',
      'Dropout',
      'Dense',
    ]);
    const opt = new SGD(model.params, { lr: 0.1 });
    const counts: number[] = [];
    const runner = new Runner();
    for (let epoch = 0; epoch < 3; epoch++) {
      await runner.fit(1, new Learner(model, opt, crossEntropy, tinyBunch({ nTrain: 9, batchSize: 3 })));
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    opt.dispose();
    model.dispose();
  });
});
