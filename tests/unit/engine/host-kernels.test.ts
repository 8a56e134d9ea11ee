/**
 * The host kernels (one JS pass on wasm's heap or cpu's arrays instead of a chain of tiny
 * ops) compute what the composite ops compute, on both backends they serve: the loss value
 * and gradient, ReLU's backward pass, NaN passing through, a bad label refused by name,
 * and no tensor left behind.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { fusedReluGrad } from '../../../src/main/training/kernels/relu-grad';
import { fusedSoftmaxCrossEntropy } from '../../../src/main/training/kernels/softmax-cross-entropy';

/** The composite the kernel replaces, written from the definition: −mean log-softmax[label], (softmax − onehot)/batch. */
function reference(logits: tf.Tensor2D, labels: tf.Tensor1D): { value: tf.Scalar; grad: tf.Tensor2D } {
  return tf.tidy(() => {
    const onehot = tf.cast(tf.oneHot(labels, logits.shape[1]), 'float32');
    const value = tf.neg(tf.mean(tf.sum(tf.mul(tf.logSoftmax(logits), onehot), 1))) as tf.Scalar;
    const grad = tf.div(tf.sub(tf.softmax(logits), onehot), logits.shape[0]) as tf.Tensor2D;
    return { value, grad };
  });
}

/** A seeded batch: logits spread wide enough that some rows are confidently wrong. */
function batch(rows: number, classes: number, scale: number): { logits: tf.Tensor2D; labels: tf.Tensor1D } {
  const logits = tf.randomNormal([rows, classes], 0, scale, 'float32', 7) as tf.Tensor2D;
  const labels = tf.tensor1d(
    Array.from({ length: rows }, (_, i) => (i * 7 + 3) % classes),
    'int32',
  );
  return { logits, labels };
}

afterAll(async () => {
  await initBackend('cpu');
});

describe.each(['wasm', 'cpu'] as const)('host kernels on %s', (backend) => {
  it('softmax cross-entropy: the same value and gradient as the composite, with one tensor each', async () => {
    await initBackend(backend);
    for (const [rows, classes, scale] of [
      [64, 10, 3],
      [1, 10, 1],
      [37, 3, 30],
    ] as const) {
      const { logits, labels } = batch(rows, classes, scale);
      const expected = reference(logits, labels);
      const before = tf.memory().numTensors;
      const fused = fusedSoftmaxCrossEntropy(logits, labels)!;
      expect(tf.memory().numTensors).toBe(before + 2);
      expect(fused.value.shape).toEqual([]);
      expect(fused.grad.shape).toEqual([rows, classes]);
      expect(fused.value.dataSync()[0]).toBeCloseTo(expected.value.dataSync()[0]!, 4);
      const diff = tf.tidy(() => tf.max(tf.abs(tf.sub(fused.grad, expected.grad))).dataSync()[0]!);
      expect(diff).toBeLessThan(1e-6);
      tf.dispose([logits, labels, fused.value, fused.grad, expected.value, expected.grad]);
    }
  });

  it('softmax cross-entropy: stays finite for logits 1e4 apart (log-sum-exp), and NaN in a row makes the loss NaN', async () => {
    await initBackend(backend);
    const labels = tf.tensor1d([1, 0], 'int32');
    const wide = tf.tensor2d([
      [1e4, -1e4, 0],
      [0, 0, 0],
    ]);
    const out = fusedSoftmaxCrossEntropy(wide, labels)!;
    // Row 1 puts the label 2e4 below the max: its loss is exactly 2e4; row 2 is log 3.
    expect(out.value.dataSync()[0]).toBeCloseTo((2e4 + Math.log(3)) / 2, 0);
    expect(Array.from(out.grad.dataSync()).every(Number.isFinite)).toBe(true);
    const nan = tf.tensor2d([
      [Number.NaN, 0, 0],
      [0, 0, 0],
    ]);
    const bad = fusedSoftmaxCrossEntropy(nan, labels)!;
    expect(bad.value.dataSync()[0]).toBeNaN();
    tf.dispose([labels, wide, out.value, out.grad, nan, bad.value, bad.grad]);
  });

  it('softmax cross-entropy: a label outside the classes is an error naming it, and nothing leaks', async () => {
    await initBackend(backend);
    const logits = tf.zeros([2, 10]) as tf.Tensor2D;
    const labels = tf.tensor1d([3, 10], 'int32');
    const before = tf.memory().numTensors;
    expect(() => fusedSoftmaxCrossEntropy(logits, labels)).toThrow("Label 10 (batch row 2) is not one of the model's 10 classes (0–9)");
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([logits, labels]);
  });

  it('ReLU backward: dy where the output is positive, 0 at and below 0, NaN kept', async () => {
    await initBackend(backend);
    const y = tf.tensor2d([
      [0, 2, 0.5],
      [3, 0, Number.NaN],
    ]);
    const dy = tf.tensor2d([
      [1, -2, 3],
      [4, 5, 6],
    ]);
    const g = fusedReluGrad(dy, y)!;
    expect(Array.from(g.dataSync())).toEqual([0, -2, 3, 4, 0, Number.NaN]);
    const composite = tf.mul(dy, tf.step(y));
    expect(Array.from(composite.dataSync()).slice(0, 5)).toEqual([0, -2, 3, 4, 0]);
    tf.dispose([y, dy, g, composite]);
  });
});
