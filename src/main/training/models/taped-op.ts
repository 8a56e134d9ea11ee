/**
 * tapedOp: a layer as a single node on TensorFlow.js's tape (tf.grads, tf.variableGrads)
 * whose gradient is the layer's own backward pass, so autodiff never differentiates the
 * kernels inside (and the taped and the manual backward pass compute the same thing).
 */
import * as tf from '@tensorflow/tfjs';
import type { LayerGrads } from './layer';

type Save = tf.GradSaveFunc;

export type LayerForward = (x: tf.Tensor, weights: tf.Tensor[]) => tf.Tensor;
export type LayerBackward = (x: tf.Tensor, y: tf.Tensor, dy: tf.Tensor, weights: tf.Tensor[], inputGrad: boolean) => LayerGrads;

/** `inputGrad` false: x is data, not an input of the op — no gradient is computed or propagated for it. */
export function tapedOp(x: tf.Tensor, weights: tf.Tensor[], inputGrad: boolean, forward: LayerForward, backward: LayerBackward): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
    const save = args[args.length - 1] as Save;
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const a = inputGrad ? inputs[0]! : x;
    const ws = inputGrad ? inputs.slice(1) : inputs;
    const y = forward(a, ws);
    save([a, y, ...ws]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sy, ...sw] = saved;
      const { dx, grads } = backward(sx!, sy!, dy, sw, inputGrad);
      return inputGrad ? [dx!, ...grads] : grads;
    };
    return { value: y, gradFunc };
  });
  return inputGrad ? op(x, ...weights) : op(...weights);
}
