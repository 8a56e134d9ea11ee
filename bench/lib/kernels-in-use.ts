/** Which kernels the active backend trains with, for the report: Runlab's SIMD kernels, or why not. */
import * as tf from '@tensorflow/tfjs';
import { simdKernelsStatus } from '../../src/main/training/kernels/simd/simd-kernels';

export function kernelsInUse(): string {
  if (tf.getBackend() !== 'wasm') return `TensorFlow.js's (${tf.getBackend()})`;
  const { reason } = simdKernelsStatus(tf.backend());
  return reason === null ? "Runlab's SIMD kernels (kernels/simd/kernels.wat) for dense layers and SGD" : `TensorFlow.js's: ${reason}`;
}
