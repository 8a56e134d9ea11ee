/** How the active backend runs dense layers, for the report: the SIMD kernels, or why not. */
import * as tf from '@tensorflow/tfjs';
import { denseSimdStatus } from '../../src/main/training/kernels/simd/dense-simd';

export function denseKernels(): string {
  if (tf.getBackend() !== 'wasm') return `TensorFlow.js's ops (${tf.getBackend()})`;
  const { reason } = denseSimdStatus(tf.backend());
  return reason === null ? 'Runlab SIMD kernels (kernels/simd/dense.wat)' : `TensorFlow.js's ops: ${reason}`;
}
