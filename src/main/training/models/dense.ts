/**
 * Dense: y = act(x·W + b) in one fused kernel, with a hand-written gradient whose
 * transposed products go through matMulT (explicit transposes on wasm, where autodiff's
 * transposed matMul is ~12× slower), and no gradient computed for the model's input.
 */
import * as tf from '@tensorflow/tfjs';
import { uniformInit } from './init';
import { matMulT } from './mat-mul';
import type { Activation, KerasLayerJson, Layer, NamedWeight } from './layer';

type Save = tf.GradSaveFunc;

/** relu' from relu's output: 1 where y > 0 (0 at 0, as PyTorch). */
function throughActivation(dy: tf.Tensor, y: tf.Tensor, activation: Activation): tf.Tensor {
  return activation === 'relu' ? tf.mul(dy, tf.step(y)) : dy;
}

export function denseOp(
  x: tf.Tensor2D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  activation: Activation,
  inputGrad: boolean,
): tf.Tensor2D {
  const forward = (a: tf.Tensor2D, k: tf.Tensor2D, b: tf.Tensor1D) =>
    tf.fused.matMul({ a, b: k, bias: b, activation });
  if (!inputGrad) {
    // x is not an input of the op: no gradient is computed or propagated for it.
    const op = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
      const [k, b, save] = args as [tf.Tensor2D, tf.Tensor1D, Save];
      const y = forward(x, k, b);
      save([x, y]);
      const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sy] = saved as [tf.Tensor2D, tf.Tensor2D];
        const g = throughActivation(dy, sy, activation) as tf.Tensor2D;
        return [matMulT(sx, g, true, false), tf.sum(g, 0)];
      };
      return { value: y, gradFunc };
    });
    return op(kernel, bias) as tf.Tensor2D;
  }
  const op = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
    const [a, k, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, Save];
    const y = forward(a, k, b);
    save([a, k, y]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sk, sy] = saved as [tf.Tensor2D, tf.Tensor2D, tf.Tensor2D];
      const g = throughActivation(dy, sy, activation) as tf.Tensor2D;
      return [matMulT(g, sk, false, true), matMulT(sx, g, true, false), tf.sum(g, 0)];
    };
    return { value: y, gradFunc };
  });
  return op(x, kernel, bias) as tf.Tensor2D;
}

export class Dense implements Layer {
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
      { name: `${name}/kernel`, variable: kernel },
      { name: `${name}/bias`, variable: bias },
    ];
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

  apply(x: tf.Tensor, inputGrad: boolean): tf.Tensor {
    return denseOp(x as tf.Tensor2D, this.kernel as tf.Tensor2D, this.bias as tf.Tensor1D, this.activation, inputGrad);
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
