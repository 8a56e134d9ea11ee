/**
 * The hand-written gradients of Dense and Conv2d against TensorFlow.js's own autodiff of
 * the same function, on cpu and on wasm (whose conv gradients take a different route).
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { conv2dOp } from '../../../src/main/training/models/conv2d';
import { denseOp } from '../../../src/main/training/models/dense';

afterAll(async () => {
  await initBackend('cpu');
});

type Grads = number[][];

async function gradsOf(f: (...xs: tf.Tensor[]) => tf.Tensor, inputs: tf.Tensor[], weight: tf.Tensor): Promise<Grads> {
  const gs = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(f(...xs), weight)))(inputs);
  const out = await Promise.all(gs.map(async (g) => Array.from(await g.data())));
  tf.dispose(gs);
  return out;
}

function expectClose(a: Grads, b: Grads, digits: number): void {
  expect(a.map((g) => g.length)).toEqual(b.map((g) => g.length));
  a.forEach((g, i) => g.forEach((v, j) => expect(v).toBeCloseTo(b[i]![j]!, digits)));
}

describe.each(['cpu', 'wasm'] as const)('custom gradients on %s', (backend) => {
  it('dense with relu: d/dx, d/dW, d/db match autodiff', async () => {
    await initBackend(backend);
    const x = tf.randomUniform([5, 7], -1, 1, 'float32', 1);
    const w = tf.randomUniform([7, 3], -1, 1, 'float32', 2);
    const b = tf.randomUniform([3], -1, 1, 'float32', 3);
    const upstream = tf.randomUniform([5, 3], -1, 1, 'float32', 4);
    const ours = await gradsOf(
      (xx, ww, bb) => denseOp(xx as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor1D, 'relu', true),
      [x, w, b],
      upstream,
    );
    const ref = await gradsOf((xx, ww, bb) => tf.relu(tf.add(tf.matMul(xx!, ww!), bb!)), [x, w, b], upstream);
    expectClose(ours, ref, 5);
    tf.dispose([x, w, b, upstream]);
  });

  // Both wasm filter-gradient routes: one-hot patches (few input taps) and dilated convolution.
  it.each([
    [28, 1, 2, 3],
    [28, 2, 2, 3],
    [14, 2, 2, 3],
    [7, 2, 1, 3],
    [10, 2, 2, 5],
    [9, 1, 3, 3],
  ])(
    'conv2d, input %i² × %i channels, stride %i, kernel %i ("same", relu): all three gradients match autodiff',
    async (size, channels, stride, k) => {
      await initBackend(backend);
      const x = tf.randomUniform([3, size, size, channels], -1, 1, 'float32', 1);
      const f = tf.randomUniform([k, k, channels, 4], -1, 1, 'float32', 2);
      const b = tf.randomUniform([4], -1, 1, 'float32', 3);
      const out = Math.ceil(size / stride);
      const upstream = tf.randomUniform([3, out, out, 4], -1, 1, 'float32', 4);
      const ours = await gradsOf(
        (xx, ff, bb) => conv2dOp(xx as tf.Tensor4D, ff as tf.Tensor4D, bb as tf.Tensor1D, stride, 'relu', true),
        [x, f, b],
        upstream,
      );
      // The reference runs tf's own conv2d gradient on cpu (wasm has no filter-gradient kernel).
      await initBackend('cpu');
      const [cx, cf, cb, cu] = await Promise.all([x, f, b, upstream].map(async (t) => tf.tensor(await t.data(), t.shape)));
      const ref = await gradsOf(
        (xx, ff, bb) => tf.relu(tf.add(tf.conv2d(xx as tf.Tensor4D, ff as tf.Tensor4D, stride, 'same'), bb!)),
        [cx!, cf!, cb!],
        cu!,
      );
      expectClose(ours, ref, 4);
      tf.dispose([x, f, b, upstream, cx!, cf!, cb!, cu!]);
    },
  );
});

describe('the model input', () => {
  it('gets no gradient: a first layer with inputGrad false only differentiates its weights', async () => {
    await initBackend('cpu');
    const x = tf.randomUniform([2, 3], -1, 1, 'float32', 1);
    const w = tf.variable(tf.randomUniform([3, 2], -1, 1, 'float32', 2));
    const b = tf.variable(tf.zeros([2]));
    const { grads, value } = tf.variableGrads(
      () => tf.sum(denseOp(x as tf.Tensor2D, w as tf.Tensor2D, b as tf.Tensor1D, 'linear', false)),
      [w, b],
    );
    // d(sum(xW + b))/dW[i][j] = Σ_rows x[row][i]; d/db = batch size.
    const colSums = Array.from(await tf.sum(x, 0).data());
    const dW = Array.from(await grads[w.name]!.data());
    dW.forEach((v, idx) => expect(v).toBeCloseTo(colSums[Math.floor(idx / 2)]!, 5));
    expect(Array.from(await grads[b.name]!.data())).toEqual([2, 2]);
    tf.dispose([x, w, b, value, ...Object.values(grads)]);
  });
});
