/**
 * Layer: the contract every step of a Sequential model keeps — a forward pass told whether
 * it trains (`{ training }`), returning what its backward pass needs (`saved`); a backward
 * pass from those values; its weights, each saved with the model and trainable or not; and
 * a Keras layer config, so a saved model is a TensorFlow.js layers model and the registry
 * (layers.ts) can build it back by class name. A new layer is one file plus one line there.
 */
import type * as tf from '@tensorflow/tfjs';

export type Activation = 'relu' | 'linear';
export const ACTIVATIONS: readonly Activation[] = ['relu', 'linear'];

/** What a forward pass is for: training (dropout drops, batch-norm uses the batch and updates its running statistics) or inference. */
export interface ForwardContext {
  readonly training: boolean;
}

export const TRAINING: ForwardContext = Object.freeze({ training: true });
export const INFERENCE: ForwardContext = Object.freeze({ training: false });

/**
 * A weight, its name in the saved model (e.g. `dense_1/kernel`), and whether the optimizer
 * steps it: `trainable: false` weights (batch-norm's running statistics) are saved and
 * loaded with the model but get no gradient.
 */
export interface NamedWeight {
  name: string;
  variable: tf.Variable;
  trainable: boolean;
}

/** A layer entry of a Keras `Sequential` topology. */
export interface KerasLayerJson {
  class_name: string;
  config: Record<string, unknown>;
}

/** A forward pass: y, and tensors beyond x and y that the backward pass needs (a dropout mask). */
export interface Forward {
  y: tf.Tensor;
  saved: readonly tf.Tensor[];
}

/** Nothing saved: most layers recompute what they need from x and y. */
export const NOTHING_SAVED: readonly tf.Tensor[] = Object.freeze([]);

export interface BackwardInput {
  /** The forward pass's input and output, and dL/dy. */
  x: tf.Tensor;
  y: tf.Tensor;
  dy: tf.Tensor;
  /** What that forward pass saved, and whether it trained. */
  saved: readonly tf.Tensor[];
  training: boolean;
  /** false: x is the model's data, so dL/dx is not computed (dx null). */
  inputGrad: boolean;
}

/** What a backward pass returns: dL/dx (null when not asked for) and dL/dw for the trainable weights, in `weights` order. */
export interface LayerGrads {
  dx: tf.Tensor | null;
  grads: tf.Tensor[];
}

export interface Layer {
  readonly name: string;
  readonly weights: readonly NamedWeight[];
  /** y = layer(x) with nothing recorded: inference, and the forward half of a manual backward pass. */
  forward(x: tf.Tensor, ctx: ForwardContext): Forward;
  /** The gradients, from the forward pass's values. */
  backward(input: BackwardInput): LayerGrads;
  /** Per-sample output shape for a per-sample input shape (throws when they do not fit). */
  outputShape(inputShape: readonly number[]): number[];
  toJSON(): KerasLayerJson;
  /**
   * Counters beyond the weights that a resumed run needs to continue exactly (a dropout
   * layer's random-stream position), for a checkpoint; absent when there are none.
   */
  state?(): Record<string, number>;
  /** Takes back what `state` gave (a checkpoint's); throws naming what does not fit. */
  loadState?(state: Record<string, number>): void;
}

/** What a layer class gets to build itself from a saved model (loadModel). */
export interface LayerLoader {
  /** The layer's name and Keras config. */
  name: string;
  config: Record<string, unknown>;
  /** The saved weight `<name>/<suffix>` as a variable; each weight is taken once. */
  weight(suffix: string, trainable?: boolean): tf.Variable;
  /** Throws "<file>: <path to the field> <expected>". */
  fail(field: string, expected: string): never;
}

/** A layer class as the registry knows it: its Keras class name and how to build one from a saved model. */
export interface LayerClass {
  readonly className: string;
  fromJSON(loader: LayerLoader): Layer;
}

/** The trainable weights of a layer: what its backward pass returns gradients for. */
export function trainableWeights(layer: Layer): tf.Variable[] {
  return layer.weights.filter((w) => w.trainable).map((w) => w.variable);
}

/** The config's activation ('linear' when absent), checked. */
export function activationFrom(loader: LayerLoader): Activation {
  const activation = (loader.config.activation ?? 'linear') as Activation;
  if (!ACTIVATIONS.includes(activation)) loader.fail('config.activation', `must be one of ${ACTIVATIONS.join(', ')}`);
  return activation;
}

/** Refuses a layer saved without a bias (Dense and Conv2D always have one here). */
export function requireBias(loader: LayerLoader): void {
  if (loader.config.use_bias === false) loader.fail('config.use_bias', 'must be true');
}
