/**
 * Softmax cross-entropy from logits over integer labels, mean over the batch (PyTorch's
 * F.cross_entropy). Its gradient, (softmax − onehot) / batch, comes from the same kernels
 * as the value: `valueAndGrad` gives both in one pass for the manual backward pass, and
 * on TensorFlow.js's tape the same gradient is a custom one, not autodiff's chain of ops.
 */
import * as tf from '@tensorflow/tfjs';
import { fusedSoftmaxCrossEntropy } from './kernels/softmax-cross-entropy';

export type LossFn = (pred: tf.Tensor, yb: tf.Tensor) => tf.Scalar;

/** A loss that can also give dL/dpred in the same pass, without a tape. */
export interface LossWithGrad extends LossFn {
  valueAndGrad(pred: tf.Tensor, yb: tf.Tensor): { value: tf.Scalar; grad: tf.Tensor };
}

export function hasGrad(fn: LossFn): fn is LossWithGrad {
  return typeof (fn as Partial<LossWithGrad>).valueAndGrad === 'function';
}

interface Parts {
  value: tf.Scalar;
  /** exp(logits − rowMax) and its row sums: softmax = expShifted / sums. */
  expShifted: tf.Tensor2D;
  sums: tf.Tensor2D;
  onehot: tf.Tensor2D;
  batch: number;
}

/** The value, log-sum-exp stabilised (no overflow, no log of an underflowed softmax). */
function forward(pred: tf.Tensor, yb: tf.Tensor): Parts {
  const logits = pred as tf.Tensor2D;
  const [batch, classes] = logits.shape;
  const labels = (yb.dtype === 'int32' ? yb : tf.cast(yb, 'int32')) as tf.Tensor1D;
  // One cast here, not one per op that meets an int32 onehot (wasm's OneHot kernel writes
  // int32 whatever dtype is asked for, so the cast cannot move into it).
  const onehot = tf.cast(tf.oneHot(labels, classes), 'float32') as tf.Tensor2D;
  const shifted = tf.sub(logits, tf.max(logits, 1, true));
  const expShifted = tf.exp(shifted) as tf.Tensor2D;
  const sums = tf.sum(expShifted, 1, true) as tf.Tensor2D;
  const logProbs = tf.sub(shifted, tf.log(sums));
  const value = tf.mul(tf.sum(tf.mul(logProbs, onehot)), -1 / batch) as tf.Scalar;
  return { value, expShifted, sums, onehot, batch };
}

/** (softmax − onehot) · scale, with scale = dL/dvalue / batch. */
function gradient({ expShifted, sums, onehot }: Parts, scale: tf.Tensor | number): tf.Tensor2D {
  return tf.mul(tf.sub(tf.div(expShifted, sums), onehot), scale) as tf.Tensor2D;
}

function crossEntropyValue(pred: tf.Tensor, yb: tf.Tensor): tf.Scalar {
  return tf.tidy(() => {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
      const parts = forward(x, yb);
      save([parts.expShifted, parts.sums, parts.onehot]);
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [expShifted, sums, onehot] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
        return gradient({ ...parts, expShifted, sums, onehot }, tf.div(dy, parts.batch));
      };
      return { value: parts.value, gradFunc };
    });
    return op(pred) as tf.Scalar;
  });
}

export const crossEntropy: LossWithGrad = Object.assign(crossEntropyValue, {
  valueAndGrad(pred: tf.Tensor, yb: tf.Tensor): { value: tf.Scalar; grad: tf.Tensor } {
    // wasm and cpu: one host kernel (kernels/softmax-cross-entropy.ts) instead of 14.
    const fused = pred.rank === 2 && yb.rank === 1 ? fusedSoftmaxCrossEntropy(pred as tf.Tensor2D, yb as tf.Tensor1D) : null;
    if (fused) return fused;
    return tf.tidy(() => {
      const parts = forward(pred, yb);
      return { value: parts.value, grad: gradient(parts, 1 / parts.batch) };
    });
  },
});
