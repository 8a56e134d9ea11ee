/**
 * matMul with transposed operands, as fast as the backend allows: wasm's transposed matMul
 * is ~12× slower than a plain one, so there the transpose is an explicit op (a training
 * step gets ~3× faster); cpu and tensorflow handle the flags natively and faster.
 */
import * as tf from '@tensorflow/tfjs';

export function matMulT(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean, transposeB: boolean): tf.Tensor2D {
  if (tf.getBackend() !== 'wasm') return tf.matMul(a, b, transposeA, transposeB);
  return tf.matMul(transposeA ? tf.transpose(a) : a, transposeB ? tf.transpose(b) : b);
}
