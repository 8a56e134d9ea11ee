/**
 * Dense: y = act(x·W + b) in one fused kernel, with a hand-written backward pass that skips
 * dx for the model's input. On wasm both are SIMD kernels of our own (kernels/dense-*.ts);
 * elsewhere the forward is tf.fused.matMul and the backward's products take each backend's
 * fast route (mat-mul.ts). The same backward serves the manual pass (backprop.ts) and
 * TensorFlow.js's tape (taped-op.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { uniformInit } from './init';
import { simdDenseBackward } from '../kernels/dense-backward';
import { simdDenseForward } from '../kernels/dense-forward';
import { reluGrad } from '../kernels/relu-grad';
import { matMulNT, matMulTN } from './mat-mul';
import {
  activationFrom,
  NOTHING_SAVED,
  requireBias,
  type Activation,
  type BackwardInput,
  type Forward,
  type KerasLayerJson,
  type Layer,
  type LayerGrads,
  type LayerLoader,
  type NamedWeight,
} from './layer';
import { tapedOp } from './taped-op';

export function denseForward(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: Activation): tf.Tensor2D {
  return simdDenseForward(x, kernel, bias, activation) ?? (tf.fused.matMul({ a: x, b: kernel, bias, activation }) as tf.Tensor2D);
}

/** The gradients of act(x·W + b); relu' comes from relu's output: 1 where y > 0 (0 at 0, as PyTorch). */
export function denseBackward(
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  dy: tf.Tensor2D,
  kernel: tf.Tensor2D,
  activation: Activation,
  inputGrad: boolean,
): LayerGrads {
  const simd = simdDenseBackward(x, y, dy, kernel, activation, inputGrad);
  if (simd) return simd;
  const g = activation === 'relu' ? reluGrad(dy, y) : dy;
  return { dx: inputGrad ? matMulNT(g, kernel) : null, grads: [matMulTN(x, g), tf.sum(g, 0)] };
}

/** The dense layer as one taped op (tf.grads / tf.variableGrads see its hand-written gradient). */
export function denseOp(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: Activation, inputGrad: boolean): tf.Tensor2D {
  return tapedOp(
    x,
    [kernel, bias],
    inputGrad,
    (a, [k, b]) => denseForward(a as tf.Tensor2D, k as tf.Tensor2D, b as tf.Tensor1D, activation),
    (a, y, dy, [k], withDx) => denseBackward(a as tf.Tensor2D, y as tf.Tensor2D, dy as tf.Tensor2D, k as tf.Tensor2D, activation, withDx),
  ) as tf.Tensor2D;
}

export class Dense implements Layer {
  static readonly className = 'Dense';
  readonly weights: readonly NamedWeight[];

  constructor(
    readonly name: string,
    readonly kernel: tf.Variable,
    readonly bias: tf.Variable,
    readonly activation: Activation,
  ) {
    if (kernel.rank !== 2 || bias.rank !== 1 || bias.shape[0] !== kernel.shape[1]) {
      throw new Error(`${name}: kernel must be [in, units] and bias [units], got [${kernel.shape}] and [${bias.shape}]`);
    }
    this.weights = [
      { name: `${name}/kernel`, variable: kernel, trainable: true },
      { name: `${name}/bias`, variable: bias, trainable: true },
    ];
  }

  static fromJSON(loader: LayerLoader): Dense {
    requireBias(loader);
    return new Dense(loader.name, loader.weight('kernel'), loader.weight('bias'), activationFrom(loader));
  }

  /** PyTorch-default init from `seed`; `index` picks the layer's own random streams. */
  static create(name: string, inputs: number, units: number, activation: Activation, seed: number, index: number): Dense {
    const kernel = uniformInit([inputs, units], inputs, seed, 2 * index);
    const bias = uniformInit([units], inputs, seed, 2 * index + 1);
    return new Dense(name, kernel, bias, activation);
  }

  get units(): number {
    return this.kernel.shape[1]!;
  }

  forward(x: tf.Tensor): Forward {
    return {
      y: denseForward(x as tf.Tensor2D, this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D, this.activation),
      saved: NOTHING_SAVED,
    };
  }

  backward({ x, y, dy, inputGrad }: BackwardInput): LayerGrads {
    return denseBackward(x as tf.Tensor2D, y as tf.Tensor2D, dy as tf.Tensor2D, this.kernel as tf.Tensor2D, this.activation, inputGrad);
  }

  outputShape(inputShape: readonly number[]): number[] {
    if (inputShape.length !== 1 || inputShape[0] !== this.kernel.shape[0]) {
      throw new Error(`${this.name}: expects inputs of shape [${this.kernel.shape[0]}], got [${inputShape.join(', ')}]`);
    }
    return [this.units];
  }

  toJSON(): KerasLayerJson {
    return {
      class_name: 'Dense',
      config: { name: this.name, trainable: true, dtype: 'float32', units: this.units, activation: this.activation, use_bias: true },
    };
  }
}
