/**
 * runBackendKernel: a kernel of the active backend that TensorFlow.js has no public op for
 * (e.g. Conv2DBackpropFilter, which tf.conv2d's gradient uses internally), run by name —
 * or null where the backend registers none (wasm has no Conv2DBackpropFilter).
 */
import * as tf from '@tensorflow/tfjs';

export function runBackendKernel(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap): tf.Tensor[] | null {
  if (tf.getKernel(kernelName, tf.getBackend()) === undefined) return null;
  const out = tf.engine().runKernel(kernelName, inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}
