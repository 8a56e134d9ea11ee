/**
 * Conv2d (NHWC, 'same' padding, square kernel and stride) with a hand-written gradient:
 * the wasm backend has no Conv2DBackpropFilter kernel, so the filter gradient is computed
 * as a dilated convolution there (the backend's own kernel where it has one: cpu, tensorflow).
 */
import * as tf from '@tensorflow/tfjs';
import { uniformInit } from './init';
import type { Activation, KerasLayerJson, Layer, NamedWeight } from './layer';

type Save = tf.GradSaveFunc;
type FilterShape = [number, number, number, number];

/** Output size and pads of TensorFlow's 'same' padding along one axis. */
export function samePadding(size: number, kernel: number, stride: number): { out: number; before: number; after: number } {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

/**
 * dW[ky,kx,c,o] = Σ_{b,i,j} xpad[b, s·i+ky, s·j+kx, c] · dy[b,i,j,o]: a stride-1 convolution
 * of the padded input (batch as channels) with dy as the filter, dilated by the stride.
 * (On wasm this beats an im2col of strided slices by ~30×: its StridedSlice is slow.)
 */
function filterGradByConv(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: FilterShape, stride: number): tf.Tensor4D {
  const [kh, kw, c, oc] = filterShape;
  const [, h, w] = x.shape;
  const ph = samePadding(h, kh, stride);
  const pw = samePadding(w, kw, stride);
  // Rows and columns the kernel reaches; 'same' may leave a few unreached ones at the end.
  const needH = (ph.out - 1) * stride + kh;
  const needW = (pw.out - 1) * stride + kw;
  let xp = tf.pad(x, [[0, 0], [ph.before, ph.after], [pw.before, pw.after], [0, 0]]);
  if (xp.shape[1] !== needH || xp.shape[2] !== needW) xp = tf.slice(xp, [0, 0, 0, 0], [-1, needH, needW, -1]);
  const input = tf.transpose(xp, [3, 1, 2, 0]); // [C, H', W', B]
  const filter = tf.transpose(dy, [1, 2, 0, 3]); // [OH, OW, B, OC]
  const out = tf.conv2d(input, filter, 1, 'valid', 'NHWC', stride); // [C, KH, KW, OC]
  return tf.reshape(tf.transpose(out, [1, 2, 0, 3]), [kh, kw, c, oc]);
}

/**
 * dx of a strided 'same' convolution as a stride-1 convolution: dy dilated by the stride
 * (zeros between rows and columns, by pad + reshape), padded by k − 1, against the
 * spatially flipped filter with in/out channels swapped; then cropped to x.
 * (On wasm, ~5× faster than its Conv2DBackpropInput kernel.)
 */
function inputGradByConv(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: [number, number, number, number], stride: number): tf.Tensor4D {
  const [batch, h, w, c] = xShape;
  const [kh, kw] = filter.shape;
  const [, oh, ow, oc] = dy.shape;
  const ph = samePadding(h, kh, stride);
  const pw = samePadding(w, kw, stride);
  let dilated: tf.Tensor4D = dy;
  if (stride > 1) {
    const spread = tf.pad(tf.reshape(dy, [batch, oh, 1, ow, 1, oc]), [[0, 0], [0, 0], [0, stride - 1], [0, 0], [0, stride - 1], [0, 0]]);
    dilated = tf.reshape(spread, [batch, oh * stride, ow * stride, oc]);
  }
  // Full correlation: k − 1 zeros before; after, enough to cover the padded input.
  const padH = h + ph.before + kh - 1 - dilated.shape[1];
  const padW = w + pw.before + kw - 1 - dilated.shape[2];
  const framed = tf.pad(dilated, [[0, 0], [kh - 1, Math.max(padH, 0)], [kw - 1, Math.max(padW, 0)], [0, 0]]);
  const flipped = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  const dxPadded = tf.conv2d(framed, flipped, 1, 'valid');
  return tf.slice(dxPadded, [0, ph.before, pw.before, 0], [batch, h, w, c]);
}

/** wasm: the convolution route (its Conv2DBackpropInput is slow); elsewhere the backend kernel. */
function inputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: [number, number, number, number], stride: number): tf.Tensor4D {
  if (tf.getBackend() === 'wasm') return inputGradByConv(dy, filter, xShape, stride);
  return tf.conv2dTranspose(dy, filter, xShape, stride, 'same');
}

/** The backend's Conv2DBackpropFilter where it has one (wasm has none). */
function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: FilterShape, stride: number): tf.Tensor4D {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined) {
    const attrs = { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC', filterShape };
    return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor4D;
  }
  return filterGradByConv(x, dy, filterShape, stride);
}

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
      const grads: tf.Tensor[] = [filterGrad(sx, g, filterShape, stride), tf.sum(g, [0, 1, 2])];
      if (inputGrad) grads.unshift(inputGradient(g, sf, sx.shape, stride));
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
