/**
 * Metrics: a score per batch from predictions and labels, averaged over samples by
 * AvgStatsCallback. A metric is a tensor function (the batch's mean score); it can also
 * give the same score from the batch's values on the host (`host`: the sum of per-sample
 * scores from row-major predictions and labels), which AvgStats uses with the values the
 * Runner reads anyway — no kernel per step.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * A metric's per-batch sum of per-sample scores from values on the host: `pred` row-major
 * [rows, classes], `labels` [rows].
 */
export type HostScore = (pred: ArrayLike<number>, rows: number, classes: number, labels: ArrayLike<number>) => number;

export type MetricFn = ((pred: tf.Tensor, yb: tf.Tensor) => tf.Scalar) & { host?: HostScore };

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
    tf.tidy(() => {
      const labels = yb.dtype === 'int32' ? yb : tf.cast(yb, 'int32');
      return tf.mean(tf.cast(tf.equal(tf.argMax(pred, -1), labels), 'float32')) as tf.Scalar;
    }),
  { host: accuracyHost },
);
