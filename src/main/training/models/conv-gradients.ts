/**
 * The gradients of a 'same' NHWC convolution: dx, dW and the bias's. The wasm backend has
 * no Conv2DBackpropFilter kernel, and its Conv2DBackpropInput is a plain loop (2.5× slower
 * than XNNPACK running the same sum as a forward convolution, measured at batch 64), so
 * there both are rewritten as forward convolutions; other backends run their own kernels.
 */
import * as tf from '@tensorflow/tfjs';
import { runBackendKernel } from '../kernels/backend-kernel';
import { matMulT } from './mat-mul';

export type FilterShape = [number, number, number, number];

/** Output size and pads of TensorFlow's 'same' padding along one axis. */
export function samePadding(size: number, kernel: number, stride: number): { out: number; before: number; after: number } {
  const out = Math.ceil(size / stride);
  const total = Math.max((out - 1) * stride + kernel - size, 0);
  const before = Math.floor(total / 2);
  return { out, before, after: total - before };
}

/**
 * dW[ky,kx,c,o] = Σ_{b,i,j} xpad[b, s·i+ky, s·j+kx, c] · dy[b,i,j,o], two ways (wasm has no
 * filter-gradient kernel, and its StridedSlice is too slow for a textbook im2col):
 * - few input taps (k·k·c ≤ 4·o, e.g. the first layer): patches from a convolution with
 *   a one-hot filter, then one matMul;
 * - otherwise: a stride-1 convolution of the padded input (batch as channels) with dy as
 *   the filter, dilated by the stride.
 */
function filterGradByConv(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: FilterShape, stride: number): tf.Tensor4D {
  const [kh, kw, c, oc] = filterShape;
  const taps = kh * kw * c;
  if (taps <= 4 * oc) {
    const onehot = tf.reshape(tf.eye(taps), [kh, kw, c, taps]) as tf.Tensor4D;
    const patches = tf.reshape(tf.conv2d(x, onehot, stride, 'same'), [-1, taps]) as tf.Tensor2D;
    return tf.reshape(matMulT(patches, tf.reshape(dy, [-1, oc]) as tf.Tensor2D, true, false), [kh, kw, c, oc]);
  }
  const [, h, w] = x.shape;
  const ph = samePadding(h, kh, stride);
  const pw = samePadding(w, kw, stride);
  // Zeros after the input so the kernel reaches exactly its rows and columns; 'same' may
  // leave a few unreached ones at the end (a negative count), which are cut instead.
  const afterH = (ph.out - 1) * stride + kh - h - ph.before;
  const afterW = (pw.out - 1) * stride + kw - w - pw.before;
  let xs = x;
  if (afterH < 0 || afterW < 0) xs = tf.slice(x, [0, 0, 0, 0], [-1, h + Math.min(afterH, 0), w + Math.min(afterW, 0), -1]);
  const input = tf.transpose(xs, [3, 1, 2, 0]); // [C, H, W, B]
  const filter = tf.transpose(dy, [1, 2, 0, 3]); // [OH, OW, B, OC]
  // The padding goes to the convolution itself: a separate pad op is slow on wasm.
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [ph.before, Math.max(afterH, 0)],
    [pw.before, Math.max(afterW, 0)],
    [0, 0],
  ];
  const out = tf.conv2d(input, filter, 1, pad, 'NHWC', stride); // [C, KH, KW, OC]
  return tf.reshape(tf.transpose(out, [1, 2, 0, 3]), [kh, kw, c, oc]);
}

/**
 * dx[j] = Σ_{s·i + k − pad = j} dy[i] · f[k], per axis: a stride-1 convolution of dy dilated
 * by the stride (zeros between its rows and columns) with the filter rotated 180° and its
 * in/out channels swapped, padded so that every dx position gets its taps.
 */
function inputGradByConv(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: [number, number, number, number], stride: number): tf.Tensor4D {
  const [batch, oh, ow, oc] = dy.shape;
  const [kh, kw] = filter.shape;
  const [, h, w] = xShape;
  let dilated: tf.Tensor4D = dy;
  if (stride > 1) {
    const gaps = [
      [0, 0],
      [0, 0],
      [0, stride - 1],
      [0, 0],
      [0, stride - 1],
      [0, 0],
    ] as Array<[number, number]>;
    dilated = tf.reshape(tf.pad(tf.reshape(dy, [batch, oh, 1, ow, 1, oc]), gaps), [batch, oh * stride, ow * stride, oc]);
  }
  const ph = samePadding(h, kh, stride);
  const pw = samePadding(w, kw, stride);
  // Rows (columns) before and after the dilated dy; a negative "after" cuts trailing zeros.
  const [top, bottom] = [kh - 1 - ph.before, h + ph.before - stride * oh];
  const [left, right] = [kw - 1 - pw.before, w + pw.before - stride * ow];
  if (bottom < 0 || right < 0)
    dilated = tf.slice(dilated, [0, 0, 0, 0], [-1, oh * stride + Math.min(bottom, 0), ow * stride + Math.min(right, 0), -1]);
  const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D;
  const pad: [[number, number], [number, number], [number, number], [number, number]] = [
    [0, 0],
    [top, Math.max(bottom, 0)],
    [left, Math.max(right, 0)],
    [0, 0],
  ];
  return tf.conv2d(dilated, rotated, 1, pad);
}

/** dx: on wasm a forward convolution; elsewhere the backend's Conv2DBackpropInput. */
export function convInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: [number, number, number, number], stride: number): tf.Tensor4D {
  if (tf.getBackend() === 'wasm') return inputGradByConv(dy, filter, xShape, stride);
  return tf.conv2dTranspose(dy, filter, xShape, stride, 'same');
}

/** The bias gradient, Σ over batch and positions per channel (as [n, c] it sums faster on wasm, same values). */
export function convBiasGrad(dy: tf.Tensor4D): tf.Tensor1D {
  return tf.sum(tf.reshape(dy, [-1, dy.shape[3]]), 0);
}

/** The backend's Conv2DBackpropFilter where it has one (wasm has none). */
export function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: FilterShape, stride: number): tf.Tensor4D {
  const attrs = { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC', filterShape };
  const [viaBackend] = runBackendKernel('Conv2DBackpropFilter', { x, dy }, attrs) ?? [];
  return (viaBackend as tf.Tensor4D | undefined) ?? filterGradByConv(x, dy, filterShape, stride);
}
