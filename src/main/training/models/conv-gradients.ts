/**
 * The two gradients of a 'same' NHWC convolution, dx and dW. The wasm backend has no
 * Conv2DBackpropFilter kernel, so there dW is rewritten as forward convolutions (and a
 * matMul); other backends run their own kernels.
 */
import * as tf from '@tensorflow/tfjs';
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

/** dx: the backend's Conv2DBackpropInput (wasm has one, as fast as rewriting it as a convolution). */
export function convInputGrad(dy: tf.Tensor4D, filter: tf.Tensor4D, xShape: [number, number, number, number], stride: number): tf.Tensor4D {
  return tf.conv2dTranspose(dy, filter, xShape, stride, 'same');
}

/** The backend's Conv2DBackpropFilter where it has one (wasm has none). */
export function convFilterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: FilterShape, stride: number): tf.Tensor4D {
  if (tf.getKernel('Conv2DBackpropFilter', tf.getBackend()) !== undefined) {
    const attrs = { strides: [stride, stride], pad: 'same', dataFormat: 'NHWC', filterShape };
    return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as never) as tf.Tensor4D;
  }
  return filterGradByConv(x, dy, filterShape, stride);
}
