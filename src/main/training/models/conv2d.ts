/**
 * Conv2d: NHWC, 'same' padding, square kernel and stride, bias and activation fused into
 * one forward kernel, with a hand-written gradient (conv-gradients.ts) that skips dx for
 * the model's input.
 */
import * as tf from '@tensorflow/tfjs';
import { convFilterGrad, convInputGrad, samePadding, type FilterShape } from './conv-gradients';
import { uniformInit } from './init';
import type { Activation, KerasLayerJson, Layer, NamedWeight } from './layer';

type Save = tf.GradSaveFunc;

export function conv2dOp(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  stride: number,
  activation: Activation,
  inputGrad: boolean,
): tf.Tensor4D {
  const filterShape = filter.shape as FilterShape;
  const forward = (a: tf.Tensor4D, f: tf.Tensor4D, b: tf.Tensor1D, save: Save) => {
    const y = tf.fused.conv2d({ x: a, filter: f, strides: stride, pad: 'same', bias: b, activation });
    save([a, f, y]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sf, sy] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const g = (activation === 'relu' ? tf.mul(dy, tf.step(sy)) : dy) as tf.Tensor4D;
      const grads: tf.Tensor[] = [convFilterGrad(sx, g, filterShape, stride), tf.sum(g, [0, 1, 2])];
      if (inputGrad) grads.unshift(convInputGrad(g, sf, sx.shape, stride));
      return grads;
    };
    return { value: y, gradFunc };
  };
  if (inputGrad) {
    const op = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
      const [a, f, b, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, Save];
      return forward(a, f, b, save);
    });
    return op(x, filter, bias) as tf.Tensor4D;
  }
  // x is data, not an input of the op: no gradient is computed or propagated for it.
  const op = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
    const [f, b, save] = args as [tf.Tensor4D, tf.Tensor1D, Save];
    return forward(x, f, b, save);
  });
  return op(filter, bias) as tf.Tensor4D;
}

export class Conv2d implements Layer {
  readonly weights: readonly NamedWeight[];

  constructor(
    readonly name: string,
    readonly kernel: tf.Variable,
    readonly bias: tf.Variable,
    readonly stride: number,
    readonly activation: Activation,
  ) {
    const [kh, kw, , filters] = kernel.shape;
    if (kernel.rank !== 4 || kh !== kw || bias.rank !== 1 || bias.shape[0] !== filters) {
      throw new Error(`${name}: kernel must be [k, k, in, filters] and bias [filters], got [${kernel.shape}] and [${bias.shape}]`);
    }
    // tfjs-wasm 4.22 computes 'same' convolutions with stride > kernel size wrongly.
    if (!Number.isInteger(stride) || stride < 1 || stride > kh!) {
      throw new Error(`${name}: stride must be a whole number from 1 to the kernel size ${kh}, got ${stride}`);
    }
    this.weights = [
      { name: `${name}/kernel`, variable: kernel },
      { name: `${name}/bias`, variable: bias },
    ];
  }

  /** PyTorch-default init (fan_in = in·k·k) from `seed`; `index` picks the layer's streams. */
  static create(
    name: string,
    opts: { inChannels: number; filters: number; kernelSize: number; stride: number; activation: Activation },
    seed: number,
    index: number,
  ): Conv2d {
    const { inChannels, filters, kernelSize: k } = opts;
    const fanIn = inChannels * k * k;
    const kernel = uniformInit([k, k, inChannels, filters], fanIn, seed, 2 * index);
    const bias = uniformInit([filters], fanIn, seed, 2 * index + 1);
    return new Conv2d(name, kernel, bias, opts.stride, opts.activation);
  }

  get kernelSize(): number {
    return this.kernel.shape[0]!;
  }

  get filters(): number {
    return this.kernel.shape[3]!;
  }

  apply(x: tf.Tensor, inputGrad: boolean): tf.Tensor {
    return conv2dOp(x as tf.Tensor4D, this.kernel as tf.Tensor4D, this.bias as tf.Tensor1D, this.stride, this.activation, inputGrad);
  }

  outputShape(inputShape: readonly number[]): number[] {
    const [h, w, c] = inputShape;
    if (inputShape.length !== 3 || c !== this.kernel.shape[2]) {
      throw new Error(`${this.name}: expects [height, width, ${this.kernel.shape[2]}] inputs, got [${inputShape.join(', ')}]`);
    }
    const k = this.kernelSize;
    return [samePadding(h!, k, this.stride).out, samePadding(w!, k, this.stride).out, this.filters];
  }

  toJSON(): KerasLayerJson {
    const k = this.kernelSize;
    return {
      class_name: 'Conv2D',
      config: {
        name: this.name,
        trainable: true,
        dtype: 'float32',
        filters: this.filters,
        kernel_size: [k, k],
        strides: [this.stride, this.stride],
        padding: 'same',
        data_format: 'channels_last',
        dilation_rate: [1, 1],
        activation: this.activation,
        use_bias: true,
      },
    };
  }
}
