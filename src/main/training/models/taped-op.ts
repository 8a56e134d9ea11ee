/**
 * tapedOp: a layer as a single node on TensorFlow.js's tape (tf.grads, tf.variableGrads)
 * whose gradient is the layer's own backward pass, so autodiff never differentiates the
 * kernels inside (and the taped and the manual backward pass compute the same thing).
 * tapedLayer does it for any Layer, with its trainable weights as the op's inputs.
 */
import * as tf from '@tensorflow/tfjs';
import { NOTHING_SAVED, trainableWeights, type Forward, type ForwardContext, type Layer, type LayerGrads } from './layer';

type Save = tf.GradSaveFunc;

export type LayerForward = (x: tf.Tensor, weights: tf.Tensor[]) => tf.Tensor | Forward;
export type LayerBackward = (
  x: tf.Tensor,
  y: tf.Tensor,
  dy: tf.Tensor,
  weights: tf.Tensor[],
  inputGrad: boolean,
  saved: readonly tf.Tensor[],
) => LayerGrads;

/** `inputGrad` false: x is data, not an input of the op — no gradient is computed or propagated for it. */
export function tapedOp(x: tf.Tensor, weights: tf.Tensor[], inputGrad: boolean, forward: LayerForward, backward: LayerBackward): tf.Tensor {
  const op = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
    const save = args[args.length - 1] as Save;
    const inputs = args.slice(0, -1) as tf.Tensor[];
    const a = inputGrad ? inputs[0]! : x;
    const ws = inputGrad ? inputs.slice(1) : inputs;
    const out = forward(a, ws);
    const { y, saved } = out instanceof tf.Tensor ? { y: out, saved: NOTHING_SAVED } : out;
    save([a, y, ...ws, ...saved]);
    const gradFunc = (dy: tf.Tensor, kept: tf.Tensor[]) => {
      const [sx, sy, ...rest] = kept;
      const { dx, grads } = backward(sx!, sy!, dy, rest.slice(0, ws.length), inputGrad, rest.slice(ws.length));
      return inputGrad ? [dx!, ...grads] : grads;
    };
    return { value: y, gradFunc };
  });
  return inputGrad ? op(x, ...weights) : op(...weights);
}

/** y = layer(x) on the tape, differentiated by the layer's backward pass. */
export function tapedLayer(layer: Layer, x: tf.Tensor, inputGrad: boolean, ctx: ForwardContext): tf.Tensor {
  const weights = trainableWeights(layer);
  // Nothing to differentiate: no op on the tape.
  if (weights.length === 0 && !inputGrad) return layer.forward(x, ctx).y;
  return tapedOp(
    x,
    weights,
    inputGrad,
    (a) => layer.forward(a, ctx),
    (a, y, dy, _ws, withDx, saved) => layer.backward({ x: a, y, dy, saved, training: ctx.training, inputGrad: withDx }),
  );
}
