/**
 * The bare loop's math: the engine's model, loss, gradient pass and metric on their own —
 * no Runner, no callbacks. One training step is the engine's lossAndGrads (forward, softmax
 * cross-entropy and the backward pass, as the Runner's trainStep computes them) and the
 * SGD update p ← p − lr·g, in one tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import { lossAndGrads } from '../../src/main/training/backprop';
import { crossEntropy } from '../../src/main/training/loss';
import { accuracy } from '../../src/main/training/metrics';
import { createCnn } from '../../src/main/training/models/cnn';
import { createMlp } from '../../src/main/training/models/mlp';
import type { Model } from '../../src/main/training/models/model';
import type { Hyperparams } from '../../src/shared/hyperparams';

/** The model the engine builds for this config (same init from the same seed). */
export function createModel(config: Hyperparams, inputShape: readonly number[], classes: number): Model {
  if (config.model === 'cnn') return createCnn({ classes, seed: config.seed });
  return createMlp({ inputs: inputShape.reduce((a, b) => a * b, 1), hidden: config.hidden, classes, seed: config.seed });
}

/** One SGD step; returns the loss, which the caller disposes. `lr` is a kept scalar (one upload, not one per step). */
export function trainStep(model: Model, xb: tf.Tensor, yb: tf.Tensor, lr: tf.Scalar): tf.Scalar {
  return tf.tidy(() => {
    const { loss, grads } = lossAndGrads(model, crossEntropy, xb, yb);
    model.params.forEach((p, i) => p.assign(tf.sub(p, tf.mul(grads[i]!, lr))));
    return loss;
  });
}

/** Adds this validation batch's [loss · n, accuracy · n] to the running sums (disposing the old sums). */
export function validStep(model: Model, xb: tf.Tensor, yb: tf.Tensor, sums: tf.Tensor1D | null): tf.Tensor1D {
  const next = tf.tidy(() => {
    const pred = model.predict(xb);
    const values = tf.mul(tf.stack([crossEntropy(pred, yb), accuracy(pred, yb)]), xb.shape[0]!) as tf.Tensor1D;
    return sums === null ? values : (tf.add(sums, values) as tf.Tensor1D);
  });
  sums?.dispose();
  return next;
}
