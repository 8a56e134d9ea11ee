/**
 * The Runner's training step (manual backward pass, per-backend products, fused loss
 * gradient, cached optimizer scalars) computes what the textbook expression computes: two
 * steps through Runner.fit give the losses and weights of the same model written with
 * plain tf ops, differentiated by tf.grads, updated by the optimizer's rule written out —
 * on wasm and on cpu, for the MLP with each optimizer (with and without weight decay), the
 * MLP with batch norm, and the CNN.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { Callback } from '../../../src/main/training/loop/callback';
import { DataBunch } from '../../../src/main/training/data/data-bunch';
import { DataLoader } from '../../../src/main/training/data/data-loader';
import { Dataset } from '../../../src/main/training/data/dataset';
import { Learner } from '../../../src/main/training/loop/learner';
import { crossEntropy, type LossFn } from '../../../src/main/training/loss';
import { createCnn } from '../../../src/main/training/models/cnn';
import { createMlp } from '../../../src/main/training/models/mlp';
import type { Model } from '../../../src/main/training/models/model';
import { Adam, Momentum, SGD, type Optimizer } from '../../../src/main/training/optim/optimizers';
import { Runner } from '../../../src/main/training/loop/runner';
import { toyDataset } from './engine-fixtures';

afterAll(async () => {
  await initBackend('cpu');
});

const RTOL = 1e-5;

type Params = tf.Tensor[];
/** The model as plain differentiable ops on explicit parameter tensors. */
type Forward = (x: tf.Tensor, params: Params) => tf.Tensor;

const mlpForward: Forward = (x, params) => {
  let h = x;
  for (let i = 0; i < params.length; i += 2) {
    h = tf.add(tf.matMul(h as tf.Tensor2D, params[i] as tf.Tensor2D), params[i + 1]!);
    if (i + 2 < params.length) h = tf.relu(h);
  }
  return h;
};

/** The MLP with BatchNorm1d after each hidden ReLU, normalizing by the batch (training). */
const mlpBatchNormForward: Forward = (x, params) => {
  let h = x;
  for (let i = 0; i < params.length;) {
    h = tf.add(tf.matMul(h as tf.Tensor2D, params[i] as tf.Tensor2D), params[i + 1]!);
    i += 2;
    if (i >= params.length) break;
    const { mean, variance } = tf.moments(tf.relu(h), [0]);
    h = tf.add(tf.mul(tf.div(tf.sub(tf.relu(h), mean), tf.sqrt(tf.add(variance, 1e-5))), params[i]!), params[i + 1]!);
    i += 2;
  }
  return h;
};

const cnnForward: Forward = (x, [f1, b1, f2, b2, w, b]) => {
  const c1 = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, f1 as tf.Tensor4D, 2, 'same'), b1!));
  const c2 = tf.relu(tf.add(tf.conv2d(c1 as tf.Tensor4D, f2 as tf.Tensor4D, 2, 'same'), b2!));
  return tf.add(tf.matMul(tf.reshape(c2, [x.shape[0]!, -1]) as tf.Tensor2D, w as tf.Tensor2D), b!);
};

/** PyTorch's F.cross_entropy, the textbook way. */
function referenceLoss(logits: tf.Tensor, labels: tf.Tensor1D): tf.Scalar {
  const classes = logits.shape[1]!;
  return tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), tf.oneHot(labels, classes).toFloat()), 1)));
}

/** One optimizer rule on plain arrays of tensors, with its state (kept past each step's tidy); returns the new params. */
type Rule = (params: Params, grads: Params, t: number) => Params;

function sgdRule(lr: number, wd: number): Rule {
  return (ps, gs) => ps.map((p, i) => tf.sub(p, tf.mul(tf.add(gs[i]!, tf.mul(p, wd)), lr)));
}

function momentumRule(lr: number, mu: number, wd: number): Rule {
  let bufs: Params | null = null;
  return (ps, gs) => {
    bufs = ps.map((p, i) => {
      const g = tf.add(gs[i]!, tf.mul(p, wd));
      return tf.keep(bufs === null ? g : tf.add(tf.mul(bufs[i]!, mu), g));
    });
    return ps.map((p, i) => tf.sub(p, tf.mul(bufs![i]!, lr)));
  };
}

function adamRule(lr: number, b1: number, wd: number, b2 = 0.999, eps = 1e-8): Rule {
  let ms: Params | null = null;
  let vs: Params | null = null;
  return (ps, gs, t) => {
    const g = ps.map((p, i) => tf.add(gs[i]!, tf.mul(p, wd)));
    ms = g.map((gi, i) => tf.keep(tf.add(tf.mul(ms?.[i] ?? tf.zerosLike(gi), b1), tf.mul(gi, 1 - b1))));
    vs = g.map((gi, i) => tf.keep(tf.add(tf.mul(vs?.[i] ?? tf.zerosLike(gi), b2), tf.mul(tf.square(gi), 1 - b2))));
    const mHat = ms.map((m) => tf.div(m, 1 - b1 ** t));
    const vHat = vs.map((v) => tf.div(v, 1 - b2 ** t));
    return ps.map((p, i) => tf.sub(p, tf.mul(tf.div(mHat[i]!, tf.add(tf.sqrt(vHat[i]!), eps)), lr)));
  };
}

interface Case {
  model: () => Model;
  forward: Forward;
  data: () => Dataset;
  batchSize: number;
  opt: (m: Model) => Optimizer;
  rule: () => Rule;
}

/** Losses of each step and final weights, the reference way (plain ops, tf.grads, the rule). */
async function reference(c: Case, initial: Float32Array[], shapes: number[][]): Promise<{ losses: number[]; weights: Float32Array[] }> {
  const ds = c.data();
  let params: Params = initial.map((v, i) => tf.tensor(v, shapes[i]));
  const rule = c.rule();
  const losses: number[] = [];
  const n = ds.length;
  for (let start = 0, t = 1; start < n; start += c.batchSize, t++) {
    const size = Math.min(c.batchSize, n - start);
    const x = tf.tensor(ds.x.subarray(start * ds.sampleSize, (start + size) * ds.sampleSize), [size, ...ds.shape]);
    const y = tf.tensor1d(ds.y.subarray(start, start + size), 'int32');
    const lossOf = (...ps: tf.Tensor[]) => referenceLoss(c.forward(x, ps), y);
    const loss = tf.tidy(() => lossOf(...params));
    losses.push((await loss.data())[0]!);
    const next = tf.tidy(() => rule(params, tf.grads(lossOf)(params), t));
    tf.dispose([loss, x, y, ...params]);
    params = next;
  }
  const weights = await Promise.all(params.map(async (p) => (await p.data()) as Float32Array));
  tf.dispose(params);
  return { losses, weights };
}

/** Losses of each step and final weights, through Runner.fit (one epoch over the same batches). */
async function throughRunner(
  c: Case,
  lossFn: LossFn = crossEntropy,
): Promise<{ losses: number[]; weights: Float32Array[]; initial: Float32Array[]; shapes: number[][] }> {
  const model = c.model();
  const initial = await Promise.all(model.params.map(async (p) => (await p.data()) as Float32Array));
  const opt = c.opt(model);
  const losses: number[] = [];
  class LossLog extends Callback {
    override async after_loss() {
      if (this.runner.inTrain) losses.push((await this.runner.loss!.data())[0]!);
    }
  }
  const ds = c.data();
  const data = new DataBunch(
    new DataLoader(ds, { batchSize: c.batchSize, shuffle: false }),
    new DataLoader(ds, { batchSize: c.batchSize, shuffle: false }),
    10,
  );
  await new Runner([new LossLog()]).fit(1, new Learner(model, opt, lossFn, data));
  const weights = await Promise.all(model.params.map(async (p) => (await p.data()) as Float32Array));
  const shapes = model.params.map((p) => p.shape);
  opt.dispose();
  model.dispose();
  return { losses, weights, initial, shapes };
}

/** max |a − b| ≤ RTOL · max |b|, tensor by tensor. */
function expectWeightsClose(actual: Float32Array[], expected: Float32Array[]): void {
  expect(actual.map((a) => a.length)).toEqual(expected.map((e) => e.length));
  actual.forEach((a, i) => {
    const e = expected[i]!;
    let scale = 0;
    let diff = 0;
    for (let j = 0; j < e.length; j++) {
      scale = Math.max(scale, Math.abs(e[j]!));
      diff = Math.max(diff, Math.abs(a[j]! - e[j]!));
    }
    expect(diff, `parameter ${i}`).toBeLessThanOrEqual(RTOL * scale);
  });
}

function expectLossesClose(actual: number[], expected: number[]): void {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(Math.abs(a - expected[i]!), `loss of step ${i + 1}`).toBeLessThanOrEqual(RTOL * Math.abs(expected[i]!)));
}

/**
 * 267 samples of 160 values in 10 classes: batches of 136 and 131 rows, so on wasm the tall
 * transposes of x and of the 136-row hidden kernel go block by block (136 = 2·68) and, for
 * 131 rows (prime), in one piece.
 */
const mnistLike = () => toyDataset(267, 160, 5, 10);
const mlp = () => createMlp({ inputs: 160, hidden: [136, 16], classes: 10, seed: 3 });
const BATCH = 136;

const MLP_CASES: [string, Pick<Case, 'opt' | 'rule'>][] = [
  ['SGD', { opt: (m) => new SGD(m.params, { lr: 0.5 }), rule: () => sgdRule(0.5, 0) }],
  ['SGD with weight decay', { opt: (m) => new SGD(m.params, { lr: 0.5, weightDecay: 0.01 }), rule: () => sgdRule(0.5, 0.01) }],
  ['momentum', { opt: (m) => new Momentum(m.params, { lr: 0.1, momentum: 0.9 }), rule: () => momentumRule(0.1, 0.9, 0) }],
  [
    'momentum with weight decay',
    { opt: (m) => new Momentum(m.params, { lr: 0.1, momentum: 0.9, weightDecay: 0.01 }), rule: () => momentumRule(0.1, 0.9, 0.01) },
  ],
  // eps 1e-4: with the default 1e-8, a gradient entry near 1e-8 moves its weight by a large,
  // ill-conditioned fraction of lr, and float noise in the gradient is no longer small.
  ['Adam', { opt: (m) => new Adam(m.params, { lr: 0.01, momentum: 0.9, eps: 1e-4 }), rule: () => adamRule(0.01, 0.9, 0, 0.999, 1e-4) }],
  [
    'Adam with weight decay',
    {
      opt: (m) => new Adam(m.params, { lr: 0.01, momentum: 0.9, weightDecay: 0.01, eps: 1e-4 }),
      rule: () => adamRule(0.01, 0.9, 0.01, 0.999, 1e-4),
    },
  ],
];

describe.each(['wasm', 'cpu'] as const)('two training steps on %s', (backend) => {
  it.each(MLP_CASES)('MLP 160-136-16-10 with %s: same losses and weights as plain autodiff', async (_, c) => {
    await initBackend(backend);
    const full: Case = { model: mlp, forward: mlpForward, data: mnistLike, batchSize: BATCH, ...c };
    const ours = await throughRunner(full);
    const ref = await reference(full, ours.initial, ours.shapes);
    expectLossesClose(ours.losses, ref.losses);
    expectWeightsClose(ours.weights, ref.weights);
  });

  it.each([MLP_CASES[0]!, MLP_CASES[2]!])(
    'MLP 160-136-16-10 with batch norm and %s: same losses and weights as plain autodiff',
    async (_, c) => {
      await initBackend(backend);
      const model = () => createMlp({ inputs: 160, hidden: [136, 16], classes: 10, seed: 3, batchNorm: true });
      const full: Case = { model, forward: mlpBatchNormForward, data: mnistLike, batchSize: BATCH, ...c };
      const ours = await throughRunner(full);
      const ref = await reference(full, ours.initial, ours.shapes);
      expectLossesClose(ours.losses, ref.losses);
      expectWeightsClose(ours.weights, ref.weights);
    },
  );

  it('CNN with SGD: same losses and weights as plain autodiff (computed on cpu: wasm cannot differentiate conv2d)', async () => {
    const c: Case = {
      model: () => createCnn({ classes: 10, seed: 4 }),
      forward: cnnForward,
      data: () => {
        const d = toyDataset(14, 784, 6, 10);
        return new Dataset(d.x, d.y, [28, 28, 1]);
      },
      batchSize: 8,
      opt: (m) => new SGD(m.params, { lr: 0.5 }),
      rule: () => sgdRule(0.5, 0),
    };
    await initBackend(backend);
    const ours = await throughRunner(c);
    await initBackend('cpu');
    const ref = await reference(c, ours.initial, ours.shapes);
    expectLossesClose(ours.losses, ref.losses);
    expectWeightsClose(ours.weights, ref.weights);
  });

  it('a loss without its own gradient goes through the tape and gets the same step', async () => {
    await initBackend(backend);
    const c: Case = { model: mlp, forward: mlpForward, data: mnistLike, batchSize: BATCH, ...MLP_CASES[2]![1] };
    const fast = await throughRunner(c);
    const taped = await throughRunner(c, (pred, yb) => crossEntropy(pred, yb));
    expectLossesClose(taped.losses, fast.losses);
    expectWeightsClose(taped.weights, fast.weights);
  });
});
