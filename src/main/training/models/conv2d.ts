/**
 * Conv2d: NHWC, 'same' padding, square kernel and stride, bias and activation fused into
 * one forward kernel, with a hand-written backward pass that skips dx for the model's
 * input. On wasm both are SIMD kernels of our own (kernels/conv2d-*.ts); elsewhere the
 * forward is tf.fused.conv2d and the backward conv-gradients.ts. The same backward serves
 * the manual pass and TensorFlow.js's tape.
 */
import * as tf from '@tensorflow/tfjs';
import { simdConv2dBackward } from '../kernels/conv2d-backward';
import { simdConv2dForward } from '../kernels/conv2d-forward';
import { reluGrad } from '../kernels/relu-grad';
import { convBiasGrad, convFilterGrad, convInputGrad, samePadding, type FilterShape } from './conv-gradients';
import { uniformInit } from './init';
import {
  activationFrom,
  NOTHING_SAVED,
  requireBias,
  type Activation,
  type BackwardInput,
  type Forward,
  type ForwardContext,
  type KerasLayerJson,
  type Layer,
  type LayerGrads,
  type LayerLoader,
  type NamedWeight,
} from './layer';
import { tapedOp } from './taped-op';

export function conv2dForward(x: tf.Tensor4D, filter: tf.Tensor4D, bias: tf.Tensor1D, stride: number, activation: Activation): tf.Tensor4D {
  return (
    simdConv2dForward(x, filter, bias, stride, activation)?.y ??
    tf.fused.conv2d({ x, filter, strides: stride, pad: 'same', bias, activation })
  );
}

/** The gradients of act(conv(x, filter) + bias); relu' comes from relu's output (1 where y > 0). */
export function conv2dBackward(
  x: tf.Tensor4D,
  y: tf.Tensor4D,
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  activation: Activation,
  inputGrad: boolean,
  padded: tf.Tensor4D | null = null,
): LayerGrads {
  const simd = simdConv2dBackward(x, y, dy, filter, stride, activation, inputGrad, padded);
  if (simd) return simd;
  const g = activation === 'relu' ? reluGrad(dy, y) : dy;
  const grads = [convFilterGrad(x, g, filter.shape as FilterShape, stride), convBiasGrad(g)];
  return { dx: inputGrad ? convInputGrad(g, filter, x.shape, stride) : null, grads };
}

/** The convolution as one taped op (tf.grads / tf.variableGrads see its hand-written gradient). */
export function conv2dOp(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  stride: number,
  activation: Activation,
  inputGrad: boolean,
): tf.Tensor4D {
  return tapedOp(
    x,
    [filter, bias],
    inputGrad,
    (a, [f, b]) => conv2dForward(a as tf.Tensor4D, f as tf.Tensor4D, b as tf.Tensor1D, stride, activation),
    (a, y, dy, [f], withDx) =>
      conv2dBackward(a as tf.Tensor4D, y as tf.Tensor4D, dy as tf.Tensor4D, f as tf.Tensor4D, stride, activation, withDx),
  ) as tf.Tensor4D;
}

export class Conv2d implements Layer {
  static readonly className = 'Conv2D';
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
      { name: `${name}/kernel`, variable: kernel, trainable: true },
      { name: `${name}/bias`, variable: bias, trainable: true },
    ];
  }

  static fromJSON(loader: LayerLoader): Conv2d {
    const { config: c, fail } = loader;
    requireBias(loader);
    const strides = c.strides as unknown;
    const stride = Array.isArray(strides) && strides[0] === strides[1] ? (strides[0] as number) : fail('config.strides', 'must be [s, s]');
    if (c.padding !== 'same') fail('config.padding', 'must be "same"');
    if (c.data_format !== undefined && c.data_format !== 'channels_last') fail('config.data_format', 'must be "channels_last"');
    const dilation = c.dilation_rate as unknown;
    if (dilation !== undefined && !(Array.isArray(dilation) ? dilation.every((d) => d === 1) : dilation === 1)) {
      fail('config.dilation_rate', 'must be 1');
    }
    return new Conv2d(loader.name, loader.weight('kernel'), loader.weight('bias'), stride, activationFrom(loader));
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

  forward(x: tf.Tensor, ctx: ForwardContext): Forward {
    // On the SIMD kernels a training pass keeps its padded input for the backward pass.
    const simd = simdConv2dForward(
      x as tf.Tensor4D,
      this.kernel as tf.Tensor4D,
      this.bias as tf.Tensor1D,
      this.stride,
      this.activation,
      ctx.training,
    );
    if (simd) return { y: simd.y, saved: simd.padded ? [simd.padded] : NOTHING_SAVED };
    const y = conv2dForward(x as tf.Tensor4D, this.kernel as tf.Tensor4D, this.bias as tf.Tensor1D, this.stride, this.activation);
    return { y, saved: NOTHING_SAVED };
  }

  backward({ x, y, dy, inputGrad, saved }: BackwardInput): LayerGrads {
    return conv2dBackward(
      x as tf.Tensor4D,
      y as tf.Tensor4D,
      dy as tf.Tensor4D,
      this.kernel as tf.Tensor4D,
      this.stride,
      this.activation,
      inputGrad,
      (saved[0] as tf.Tensor4D | undefined) ?? null,
    );
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
