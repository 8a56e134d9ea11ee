/** Flatten: [B, ...shape] → [B, prod(shape)] (NHWC order, as Keras flattens). */
import * as tf from '@tensorflow/tfjs';
import {
  NOTHING_SAVED,
  type BackwardInput,
  type Forward,
  type KerasLayerJson,
  type Layer,
  type LayerGrads,
  type LayerLoader,
  type NamedWeight,
} from './layer';

export class Flatten implements Layer {
  static readonly className = 'Flatten';
  readonly weights: readonly NamedWeight[] = [];

  constructor(readonly name: string) {}

  static fromJSON(loader: LayerLoader): Flatten {
    return new Flatten(loader.name);
  }

  forward(x: tf.Tensor): Forward {
    return { y: tf.reshape(x, [x.shape[0]!, -1]), saved: NOTHING_SAVED };
  }

  backward({ x, dy, inputGrad }: BackwardInput): LayerGrads {
    return { dx: inputGrad ? tf.reshape(dy, x.shape) : null, grads: [] };
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }

  toJSON(): KerasLayerJson {
    return { class_name: 'Flatten', config: { name: this.name, trainable: true, dtype: 'float32' } };
  }
}
