/**
 * The bare loop's math: the engine's model, loss, gradient pass and metric on their own —
 * no Runner, no callbacks. One training step is the engine's lossAndGrads (forward, softmax
 * cross-entropy and the backward pass, as the Runner's trainStep computes them) and the
 * SGD update p ← p − lr·g (the engine's SGD kernel where it runs), in one tf.tidy.
 */
import * as tf from '@tensorflow/tfjs';
import { lossAndGrads } from '../../src/main/training/loop/backprop';
import { simdSgdUpdate } from '../../src/main/training/kernels/sgd-step';
import { crossEntropy } from '../../src/main/training/loss';
import { accuracy } from '../../src/main/training/metrics';
import { createCnn } from '../../src/main/training/models/cnn';
import { createMlp } from '../../src/main/training/models/mlp';
import type { Model } from '../../src/main/training/models/model';
import type { Hyperparams } from '../../src/shared/hyperparams';

/** The model the engine builds for this config (same init from the same seed). */
export function createModel(config: Hyperparams, inputShape: readonly number[], classes: number): Model {
  const { seed, dropout } = config;
  const batchNorm = config.batchNorm === 'on';
  if (config.model === 'cnn') return createCnn({ classes, seed, dropout, batchNorm, filters: [config.filters[0]!, config.filters[1]!] });
  return createMlp({ inputs: inputShape.reduce((a, b) => a * b, 1), hidden: config.hidden, classes, seed, dropout, batchNorm });
}

/** The learning rate as the update needs it: the number for the SGD kernel, a kept scalar for the ops (one upload, not one per step). */
export interface BareLr {
  value: number;
  scalar: tf.Scalar;
}

export const bareLr = (value: number): BareLr => ({ value, scalar: tf.keep(tf.scalar(value)) });

/** p ← p − lr·g for every parameter: the engine's SGD kernel where it runs (as the Runner's optimizer), else the ops. */
export function sgdUpdate(model: Model, grads: readonly tf.Tensor[], lr: BareLr): void {
  tf.tidy(() => {
    model.params.forEach((p, i) => {
      if (!simdSgdUpdate(p, grads[i]!, lr.value, 0)) p.assign(tf.sub(p, tf.mul(grads[i]!, lr.scalar)));
    });
  });
}

/** One SGD step; returns the loss, which the caller disposes. */
export function trainStep(model: Model, xb: tf.Tensor, yb: tf.Tensor, lr: BareLr): tf.Scalar {
  return tf.tidy(() => {
    const { loss, grads } = lossAndGrads(model, crossEntropy, xb, yb);
    sgdUpdate(model, grads, lr);
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
