/**
 * Metrics: a scalar per batch from predictions and labels, averaged over samples by
 * AvgStatsCallback. A metric that is a mean of per-sample scores can say so (`perSample`):
 * AvgStats then runs only its per-batch half on each batch (accuracy: one arg-max) and
 * scores a whole pass at once — fewer kernels per step, the same average.
 */
import * as tf from '@tensorflow/tfjs';

export interface PerSample {
  /** What a batch contributes, small and per sample (accuracy: the arg-max class, [batch]). */
  reduce(pred: tf.Tensor): tf.Tensor;
  /** Per-sample scores ([n], bool or numeric) from the concatenated reductions and labels of a pass. */
  score(reduced: tf.Tensor, labels: tf.Tensor): tf.Tensor1D;
}

export type MetricFn = ((pred: tf.Tensor, yb: tf.Tensor) => tf.Scalar) & { perSample?: PerSample };

const asInt = (labels: tf.Tensor): tf.Tensor => (labels.dtype === 'int32' ? labels : tf.cast(labels, 'int32'));

const accuracyPerSample: PerSample = {
  reduce: (pred) => tf.argMax(pred, -1),
  score: (classes, labels) => tf.tidy(() => tf.equal(classes, asInt(labels)) as tf.Tensor1D),
};

/** Share of rows whose arg-max class is the label. */
export const accuracy: MetricFn = Object.assign(
  (pred: tf.Tensor, yb: tf.Tensor) =>
    tf.tidy(() => tf.mean(tf.cast(accuracyPerSample.score(accuracyPerSample.reduce(pred), yb), 'float32')) as tf.Scalar),
  { perSample: accuracyPerSample },
);
