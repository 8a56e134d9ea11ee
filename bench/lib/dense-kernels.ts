/** How the active backend runs dense layers, for the report: the SIMD kernels, or why not. */
import * as tf from '@tensorflow/tfjs';
import { simdKernelsStatus } from '../../src/main/training/kernels/simd/simd-kernels';

export function denseKernels(): string {
  if (tf.getBackend() !== 'wasm') return `TensorFlow.js's ops (${tf.getBackend()})`;
  const { reason } = simdKernelsStatus(tf.backend());
  return reason === null ? 'Runlab SIMD kernels (kernels/simd/kernels.wat)' : `TensorFlow.js's ops: ${reason}`;
}
