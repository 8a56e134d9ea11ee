/**
 * Layer: one step of a Sequential model on raw tf ops with explicit variables. Each layer
 * also describes itself as a Keras layer config, so a saved model is a TensorFlow.js
 * layers model (tf.loadLayersModel reads it too).
 */
import type * as tf from '@tensorflow/tfjs';

export type Activation = 'relu' | 'linear';
export const ACTIVATIONS: readonly Activation[] = ['relu', 'linear'];

/** A weight and its name in the saved model, e.g. `dense_1/kernel`. */
export interface NamedWeight {
  name: string;
  variable: tf.Variable;
}

/** A layer entry of a Keras `Sequential` topology. */
export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** What a layer's backward pass returns: dL/dx (null when not asked for) and dL/dw in `weights` order. */
export interface LayerGrads {
  dx: tf.Tensor | null;
  grads: tf.Tensor[];
}

export interface Layer {
  readonly name: string;
  readonly weights: readonly NamedWeight[];
  /**
   * y = layer(x) as one differentiable op for TensorFlow.js's tape (tf.grads,
   * tf.variableGrads), whose gradient is `backward`. `inputGrad` false: x is data, so the
   * backward pass skips computing its gradient.
   */
  apply(x: tf.Tensor, inputGrad: boolean): tf.Tensor;
  /** y = layer(x) with nothing recorded: inference, and the forward half of a manual backward pass. */
  forward(x: tf.Tensor): tf.Tensor;
  /** The gradients from the layer's input x, its output y = forward(x) and dL/dy. */
  backward(x: tf.Tensor, y: tf.Tensor, dy: tf.Tensor, inputGrad: boolean): LayerGrads;
  /** Per-sample output shape for a per-sample input shape (throws when they do not fit). */
  outputShape(inputShape: readonly number[]): number[];
  toJSON(): KerasLayerJson;
}
