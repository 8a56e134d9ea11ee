/**
 * Model: a Sequential stack of layers on explicit variables — what the Learner trains and
 * what saveModel writes as a TensorFlow.js layers model. Training runs the layers' own
 * forward and backward passes (backprop.ts); `forward` is the same model as differentiable
 * ops for TensorFlow.js's tape (tf.variableGrads), and `predict` is inference. `params` are
 * the trainable weights (what the optimizer steps); `namedWeights` all of them (what is saved).
 */
import * as tf from '@tensorflow/tfjs';
import { INFERENCE, TRAINING, trainableWeights, type ForwardContext, type KerasLayerJson, type Layer, type NamedWeight } from './layer';
import { tapedLayer } from './taped-op';

/** The Keras `Sequential` topology a TensorFlow.js model.json carries. */
export interface SequentialTopology {
  class_name: 'Sequential';
  config: { name: string; layers: KerasLayerJson[] };
  keras_version: string;
  backend: string;
}

export class Model {
  readonly params: readonly tf.Variable[];
  readonly namedWeights: readonly NamedWeight[];
  /** Per-sample output shape: [classes] for a classifier. */
  readonly outputShape: readonly number[];

  constructor(
    readonly name: string,
    /** Per-sample input shape, e.g. [784] or [28, 28, 1]. */
    readonly inputShape: readonly number[],
    readonly layers: readonly Layer[],
  ) {
    let shape: readonly number[] = inputShape;
    for (const layer of layers) shape = layer.outputShape(shape);
    this.outputShape = shape;
    this.namedWeights = layers.flatMap((l) => l.weights);
    const names = new Set(this.namedWeights.map((w) => w.name));
    if (names.size !== this.namedWeights.length) throw new Error(`model ${name}: layer names must be unique`);
    this.params = this.namedWeights.filter((w) => w.trainable).map((w) => w.variable);
  }

  /** Logits for a batch [B, ...inputShape], taped-differentiable (training unless told). The caller manages the tensors it creates. */
  forward(x: tf.Tensor, ctx: ForwardContext = TRAINING): tf.Tensor {
    let h = x;
    // No gradient flows into the data: layers before the first trainable one skip it.
    let needsGrad = false;
    for (const layer of this.layers) {
      h = tapedLayer(layer, h, needsGrad, ctx);
      if (trainableWeights(layer).length > 0) needsGrad = true;
    }
    return h;
  }

  /** Logits with nothing recorded (inference unless told), inside tf.tidy: only they survive. */
  predict(x: tf.Tensor, ctx: ForwardContext = INFERENCE): tf.Tensor {
    return tf.tidy(() => this.layers.reduce((h, layer) => layer.forward(h, ctx).y, x));
  }

  /** Trainable values. */
  get paramCount(): number {
    return this.params.reduce((n, p) => n + p.size, 0);
  }

  topology(): SequentialTopology {
    const layers = this.layers.map((l, i) => {
      const json = l.toJSON();
      if (i > 0) return json;
      return { ...json, config: { ...json.config, batch_input_shape: [null, ...this.inputShape] } };
    });
    return {
      class_name: 'Sequential',
      config: { name: this.name, layers },
      keras_version: `tfjs-layers ${tf.version.tfjs}`,
      backend: 'tensor_flow.js',
    };
  }

  dispose(): void {
    for (const w of this.namedWeights) w.variable.dispose();
  }
}
