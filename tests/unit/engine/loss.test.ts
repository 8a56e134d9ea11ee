/** Cross-entropy (value and custom gradient) and accuracy against direct computations. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { crossEntropy } from '../../../src/main/training/loss';
import { accuracy } from '../../../src/main/training/metrics';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('crossEntropy', () => {
  it('is the mean negative log-softmax of the true class', async () => {
    const logits = tf.tensor2d([
      [2, 0, 0],
      [0, 0, 0],
    ]);
    const y = tf.tensor1d([0, 2], 'int32');
    const loss = crossEntropy(logits, y);
    // Row 1: −log(e²/(e²+2)); row 2: −log(1/3).
    const e2 = Math.exp(2);
    const expected = (-Math.log(e2 / (e2 + 2)) + Math.log(3)) / 2;
    expect(loss.shape).toEqual([]);
    expect((await loss.data())[0]).toBeCloseTo(expected, 6);
    tf.dispose([logits, y, loss]);
  });

  it('has gradient (softmax − onehot)/batch, the same as autodiff through log-softmax', async () => {
    const logits = tf.tensor2d([
      [1, -1, 0.5],
      [0.2, 0.3, -2],
    ]);
    const y = tf.tensor1d([1, 0], 'int32');
    const ours = tf.grad((x: tf.Tensor) => crossEntropy(x, y))(logits);
    const reference = tf.grad((x: tf.Tensor) => tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(x), tf.oneHot(y, 3)), 1))))(logits);
    const [a, b] = [await ours.data(), await reference.data()];
    a.forEach((v, i) => expect(v).toBeCloseTo(b[i]!, 6));
    tf.dispose([logits, y, ours, reference]);
  });

  it('creates no tensors beyond the returned loss', () => {
    const logits = tf.tensor2d([[1, 2]]);
    const y = tf.tensor1d([1], 'int32');
    const before = tf.memory().numTensors;
    const loss = crossEntropy(logits, y);
    expect(tf.memory().numTensors).toBe(before + 1);
    tf.dispose([logits, y, loss]);
  });
});

describe('accuracy', () => {
  it('is the share of rows whose arg-max is the label', async () => {
    const pred = tf.tensor2d([
      [0.1, 0.9],
      [0.8, 0.2],
      [0.3, 0.7],
      [0.6, 0.4],
    ]);
    const y = tf.tensor1d([1, 0, 0, 0], 'int32');
    const acc = accuracy(pred, y);
    expect((await acc.data())[0]).toBeCloseTo(0.75, 7);
    tf.dispose([pred, y, acc]);
  });
});
