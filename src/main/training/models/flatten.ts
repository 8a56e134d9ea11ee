/** Flatten: [B, ...shape] → [B, prod(shape)] (NHWC order, as Keras flattens). */
import * as tf from '@tensorflow/tfjs';
import type { KerasLayerJson, Layer, LayerGrads, NamedWeight } from './layer';

export class Flatten implements Layer {
  readonly weights: readonly NamedWeight[] = [];

  constructor(readonly name: string) {}

  apply(x: tf.Tensor): tf.Tensor {
    return this.forward(x);
  }

  forward(x: tf.Tensor): tf.Tensor {
    return tf.reshape(x, [x.shape[0]!, -1]);
  }

  backward(x: tf.Tensor, _y: tf.Tensor, dy: tf.Tensor, inputGrad: boolean): LayerGrads {
    return { dx: inputGrad ? tf.reshape(dy, x.shape) : null, grads: [] };
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }

  toJSON(): KerasLayerJson {
    return { class_name: 'Flatten', config: { name: this.name, trainable: true, dtype: 'float32' } };
  }
}
