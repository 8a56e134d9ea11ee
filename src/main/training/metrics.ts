/**
 * Metrics: a scalar per batch from predictions and labels, averaged over samples by
 * AvgStatsCallback. A metric that is a mean of per-sample scores can say so (`perSample`):
 * AvgStats then runs only its per-batch half on each batch (accuracy: one arg-max) and
 * scores a whole pass at once — fewer kernels per step, the same average. On backends that
 * keep tensors in host memory a metric can also score a batch straight from its values
 * (`host`), with no kernel at all.
 */
import * as tf from '@tensorflow/tfjs';

export interface PerSample {
  /** What a batch contributes, small and per sample (accuracy: the arg-max class, [batch]). */
  reduce(pred: tf.Tensor): tf.Tensor;
  /** Per-sample scores ([n], bool or numeric) from the concatenated reductions and labels of a pass. */
  score(reduced: tf.Tensor, labels: tf.Tensor): tf.Tensor1D;
}

/**
 * A metric's per-batch sum of per-sample scores from values in host memory (wasm, cpu):
 * `pred` row-major [rows, classes], `labels` [rows]. AvgStats uses it where it can read a
 * batch's values in place — no kernel, no tensor kept per step.
 */
export type HostScore = (pred: ArrayLike<number>, rows: number, classes: number, labels: ArrayLike<number>) => number;

export type MetricFn = ((pred: tf.Tensor, yb: tf.Tensor) => tf.Scalar) & { perSample?: PerSample; host?: HostScore };

const asInt = (labels: tf.Tensor): tf.Tensor => (labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32'));

const accuracyPerSample: PerSample = {
  reduce: (pred) => tf.argMax(pred, -1),
  score: (classes, labels) => tf.tidy(() => tf.equal(classes, asInt(labels)) as tf.Tensor1D),
};

/** Rows whose arg-max class (the first of equal maxima, as tf.argMax; NaN never replaces a maximum) is the label. */
const accuracyHost: HostScore = (pred, rows, classes, labels) => {
  let correct = 0;
  for (let i = 0, row = 0; i < rows; i++, row += classes) {
    let best = pred[row]!;
    let index = 0;
    for (let j = 1; j < classes; j++) {
      if (pred[row + j]! > best) {
        best = pred[row + j]!;
        index = j;
      }
    }
    if (index === labels[i]) correct++;
  }
  return correct;
};

/** Share of rows whose arg-max class is the label. */
export const accuracy: MetricFn = Object.assign(
  (pred: tf.Tensor, yb: tf.Tensor) =>
    tf.tidy(() => tf.mean(tf.cast(accuracyPerSample.score(accuracyPerSample.reduce(pred), yb), 'float32')) as tf.Scalar),
  { perSample: accuracyPerSample, host: accuracyHost },
);
