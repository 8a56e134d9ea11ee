/**
 * Conv2d (NHWC, 'same' padding, square kernel and stride) with a hand-written gradient:
 * the wasm backend has no Conv2DBackpropFilter kernel, so the filter gradient is an
 * im2col matMul there (the backend's own kernel where it has one, e.g. cpu, tensorflow).
 */
import * as tf from '@tensorflow/tfjs';
import { uniformInit } from './init';
import type { Activation, KerasLayerJson, Layer, NamedWeight } from './layer';

type Save = tf.GradSaveFunc;

/** Output size and leading pad of TensorFlow's 'same' padding along one axis. */
function samePadding(size: number, kernel: number, stride: number): { out: number; before: number; after: number } {
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

function filterGrad(x: tf.Tensor4D, dy: tf.Tensor4D, filterShape: [number, number, number, number], stride: number): tf.Tensor4D {
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
  const filterShape = filter.shape as [number, number, number, number];
  const op = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
    const [f, b, save] = args as [tf.Tensor4D, tf.Tensor1D, Save];
    const y = tf.fused.conv2d({ x, filter: f, strides: stride, pad: 'same', bias: b, activation });
    save([x, f, y]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sf, sy] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const g = (activation === 'relu' ? tf.mul(dy, tf.step(sy)) : dy) as tf.Tensor4D;
      const grads = [filterGrad(sx, g, filterShape, stride), tf.sum(g, [0, 1, 2])];
      if (inputGrad) grads.unshift(tf.conv2dTranspose(g, sf, sx.shape, stride, 'same'));
      return grads;
    };
    return { value: y, gradFunc };
  });
  // With inputGrad the op takes x as an input (first gradient); without, x is just data.
  if (!inputGrad) return op(filter, bias) as tf.Tensor4D;
  const withInput = tf.customGrad((...args: (tf.Tensor | Save)[]) => {
    const [a, f, b, save] = args as [tf.Tensor4D, tf.Tensor4D, tf.Tensor1D, Save];
    const y = tf.fused.conv2d({ x: a, filter: f, strides: stride, pad: 'same', bias: b, activation });
    save([a, f, y]);
    const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sx, sf, sy] = saved as [tf.Tensor4D, tf.Tensor4D, tf.Tensor4D];
      const g = (activation === 'relu' ? tf.mul(dy, tf.step(sy)) : dy) as tf.Tensor4D;
      return [tf.conv2dTranspose(g, sf, sx.shape, stride, 'same'), filterGrad(sx, g, filterShape, stride), tf.sum(g, [0, 1, 2])];
    };
    return { value: y, gradFunc };
  });
  return withInput(x, filter, bias) as tf.Tensor4D;
}
