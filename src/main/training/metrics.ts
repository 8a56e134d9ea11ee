/** Metrics: a scalar per batch from predictions and labels, averaged by AvgStatsCallback. */
import * as tf from '@tensorflow/tfjs';

export type MetricFn = (pred: tf.Tensor, yb: tf.Tensor) => tf.Scalar;

/** Share of rows whose arg-max class is the label. */
export const accuracy: MetricFn = (pred, yb) =>
  tf.tidy(() => {
    const labels = yb.dtype === 'int32' ? yb : tf.cast(yb, 'int32');
    return tf.mean(tf.cast(tf.equal(tf.argMax(pred, -1), labels), 'float32')) as tf.Scalar;
  });
