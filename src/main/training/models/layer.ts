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

export interface Layer {
  readonly name: string;
  readonly weights: readonly NamedWeight[];
  /** `inputGrad` false: x is data, so the backward pass skips computing its gradient. */
  apply(x: tf.Tensor, inputGrad: boolean): tf.Tensor;
  /** Per-sample output shape for a per-sample input shape (throws when they do not fit). */
  outputShape(inputShape: readonly number[]): number[];
  toJSON(): KerasLayerJson;
}
