/**
 * lossAndGrads: a training step's prediction, loss and gradients. When the loss gives its
 * own gradient (crossEntropy does), this is a manual backward pass — each layer's forward,
 * the loss's value and gradient in one pass, each layer's backward in reverse — with no
 * tape: no recording, no saved-tensor clones, and fused forward kernels (tfjs unfuses
 * bias + relu under a tape). Any other loss goes through tf.variableGrads. Both compute
 * the same gradients (tested against plain autodiff).
 */
import * as tf from '@tensorflow/tfjs';
import { hasGrad, type LossFn, type LossWithGrad } from '../loss';
import { TRAINING, type Forward } from '../models/layer';
import type { Model } from '../models/model';

export interface StepTensors {
  pred: tf.Tensor;
  loss: tf.Scalar;
  /** Aligned with `model.params`. */
  grads: tf.Tensor[];
}

/** The caller owns (and disposes) every returned tensor. */
export function lossAndGrads(model: Model, lossFn: LossFn, xb: tf.Tensor, yb: tf.Tensor): StepTensors {
  return hasGrad(lossFn) ? manual(model, lossFn, xb, yb) : taped(model, lossFn, xb, yb);
}

function manual(model: Model, lossFn: LossWithGrad, xb: tf.Tensor, yb: tf.Tensor): StepTensors {
  return tf.tidy(() => {
    const { layers } = model;
    const inputs: tf.Tensor[] = [];
    const outs: Forward[] = [];
    let h = xb;
    for (const layer of layers) {
      inputs.push(h);
      const out = layer.forward(h, TRAINING);
      outs.push(out);
      h = out.y;
    }
    const { value, grad } = lossFn.valueAndGrad(h, yb);
    // No gradient flows into the data: layers before the first trainable one are skipped.
    const first = layers.findIndex((l) => l.weights.some((w) => w.trainable));
    const perLayer: tf.Tensor[][] = layers.map(() => []);
    let dy: tf.Tensor | null = grad;
    for (let i = layers.length - 1; i >= Math.max(first, 0) && dy !== null; i--) {
      const { y, saved } = outs[i]!;
      const { dx, grads } = layers[i]!.backward({ x: inputs[i]!, y, dy, saved, training: true, inputGrad: i > first });
      perLayer[i] = grads;
      dy = dx;
    }
    return { pred: h, loss: value, grads: perLayer.flat() };
  });
}

function taped(model: Model, lossFn: LossFn, xb: tf.Tensor, yb: tf.Tensor): StepTensors {
  let pred: tf.Tensor | null = null;
  const { value, grads } = tf.variableGrads(() => {
    pred = tf.keep(model.forward(xb));
    return lossFn(pred, yb);
  }, model.params as tf.Variable[]);
  return { pred: pred!, loss: value, grads: model.params.map((p) => grads[p.name]!) };
}
