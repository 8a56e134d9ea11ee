/**
 * Conv2d (NHWC, 'same' padding, square kernel and stride) with a hand-written gradient:
 * the wasm backend has no Conv2DBackpropFilter kernel, so the filter gradient is an
 * im2col matMul there (the backend's own kernel where it has one: cpu, tensorflow).
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

/** [B·OH·OW, KH·KW·C] patches, columns ordered (ky, kx, c) like a [KH, KW, C, OC] filter. */
function im2col(x: tf.Tensor4D, kernel: number, stride: number): tf.Tensor2D {
  const [batch, h, w, c] = x.shape;
  const ph = samePadding(h, kernel, stride);
  const pw = samePadding(w, kernel, stride);
  const xp = tf.pad(x, [[0, 0], [ph.before, ph.after], [pw.before, pw.after], [0, 0]]);
  const cols: tf.Tensor[] = [];
  for (let ky = 0; ky < kernel; ky++) {
    for (let kx = 0; kx < kernel; kx++) {
      const end = [batch, ky + (ph.out - 1) * stride + 1, kx + (pw.out - 1) * stride + 1, c];
      cols.push(tf.stridedSlice(xp, [0, ky, kx, 0], end, [1, stride, stride, 1]));
    }
  }
  return tf.reshape(tf.concat(cols, 3), [batch * ph.out * pw.out, kernel * kernel * c]);
}

function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: FilterShape, stride: number): tf.Tensor4D {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined) {
    const attrs = { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC', filterShape };
    return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor4D;
  }
  const [kh, kw, c, oc] = filterShape;
  const cols = im2col(x, kh, stride);
  const g = tf.reshape(dy, [-1, oc]) as tf.Tensor2D;
  return tf.reshape(tf.matMul(tf.transpose(cols), g), [kh, kw, c, oc]);
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
      if (inputGrad) grads.unshift(tf.conv2dTranspose(g, sf, sx.shape, stride, 'same'));
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
    if (!Number.isInteger(stride) || stride < 1) throw new Error(`${name}: stride must be a whole number ≥ 1, got ${stride}`);
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
