/**
 * classProbabilities: a model's outputs for many inputs, run in batches, as softmax
 * probabilities and per-class log-probabilities computed in float64 on the host — so a
 * confident mistake gets its true loss, not the floor a float32 probability underflows to.
 */
import * as tf from '@tensorflow/tfjs';
import type { Model } from '../models/model';

export interface ClassScores {
  /** rows × classes softmax probabilities. */
  probs: Float64Array;
  /** rows × classes log-softmax values. */
  logProbs: Float64Array;
}

/** Scores for `rows` inputs of `inputs.length / rows` values each. */
export async function classProbabilities(model: Model, inputs: Float32Array, rows: number, batchSize = 256): Promise<ClassScores> {
  const size = inputs.length / rows;
  const classes = model.outputShape.reduce((a, b) => a * b, 1);
  const probs = new Float64Array(rows * classes);
  const logProbs = new Float64Array(rows * classes);
  for (let start = 0; start < rows; start += batchSize) {
    const n = Math.min(batchSize, rows - start);
    const logits = tf.tidy(() =>
      model.predict(tf.tensor(inputs.subarray(start * size, (start + n) * size), [n, ...model.inputShape], 'float32')),
    );
    let values: Float32Array;
    try {
      values = (await logits.data()) as Float32Array;
    } finally {
      logits.dispose();
    }
    for (let r = 0; r < n; r++) softmaxRow(values, r * classes, classes, probs, logProbs, (start + r) * classes);
  }
  return { probs, logProbs };
}

function softmaxRow(logits: Float32Array, from: number, c: number, probs: Float64Array, logProbs: Float64Array, to: number): void {
  let max = -Infinity;
  for (let k = 0; k < c; k++) max = Math.max(max, logits[from + k]!);
  let sum = 0;
  for (let k = 0; k < c; k++) sum += Math.exp(logits[from + k]! - max);
  const logSum = max + Math.log(sum);
  for (let k = 0; k < c; k++) {
    logProbs[to + k] = logits[from + k]! - logSum;
    probs[to + k] = Math.exp(logProbs[to + k]!);
  }
}
