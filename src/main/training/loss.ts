/**
 * Softmax cross-entropy from logits over integer labels, mean over the batch (PyTorch's
 * F.cross_entropy). A custom gradient, (softmax − onehot) / batch, replaces the chain of
 * small ops autodiff would record: fewer kernels per step.
 */
import * as tf from '@tensorflow/tfjs';

export type LossFn = (pred: tf.Tensor, yb: tf.Tensor) => tf.Scalar;

export const crossEntropy: LossFn = (pred, yb) =>
  tf.tidy(() => {
    const logits = pred as tf.Tensor2D;
    const [batch, classes] = logits.shape;
    const labels = (yb.dtype === 'int32' ? yb : tf.cast(yb, 'int32')) as tf.Tensor1D;
    const onehot = tf.oneHot(labels, classes);
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const [x, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
      const logProbs = tf.sub(x, tf.logSumExp(x, 1, true));
      save([logProbs, onehot]);
      const value = tf.div(tf.sum(tf.mul(logProbs, onehot)), -batch) as tf.Scalar;
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [savedLogProbs, savedOnehot] = saved as [tf.Tensor, tf.Tensor];
        return tf.mul(tf.sub(tf.exp(savedLogProbs), savedOnehot), tf.div(dy, batch));
      };
      return { value, gradFunc };
    });
    return op(logits) as tf.Scalar;
  });
