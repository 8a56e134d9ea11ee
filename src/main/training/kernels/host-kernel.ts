/**
 * Kernels of our own for the backends whose tensors live in host memory (host-memory.ts).
 * A chain of tiny ops — a loss on [64, 10] logits is 14 kernels — costs far more in
 * per-kernel dispatch than in arithmetic there; one JS kernel that reads its inputs and
 * writes its outputs in a single pass does the same math in a fraction of the time. Other
 * backends (tensorflow on a GPU) keep the composite ops.
 */
import * as tf from '@tensorflow/tfjs';
import { HOST_BACKENDS, hostMemoryOf, type HostMemory } from './host-memory';

/**
 * A host kernel: its inputs in, its outputs out. It allocates its outputs first and only
 * then takes views (an allocation can detach earlier views on wasm), and writes straight
 * into them.
 */
export type HostKernelFunc = (
  memory: HostMemory,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Record<string, unknown>,
  backend: object,
) => tf.TensorInfo | tf.TensorInfo[];

/**
 * Registers `kernelName` on the host backends (all of them unless `backends` names some),
 * once, however often a module is loaded.
 */
export function registerHostKernel(kernelName: string, func: HostKernelFunc, backends: readonly string[] = HOST_BACKENDS): void {
  for (const backendName of backends) {
    if (!HOST_BACKENDS.includes(backendName)) throw new Error(`${kernelName}: ${backendName} has no host memory`);
    if (tf.getKernel(kernelName, backendName)) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) =>
        func(
          hostMemoryOf(backendName, backend)!,
          inputs as Record<string, tf.TensorInfo>,
          (attrs ?? {}) as Record<string, unknown>,
          backend as object,
        ),
    });
  }
}

/** True when the active backend runs host kernels. */
export function onHostBackend(): boolean {
  return HOST_BACKENDS.includes(tf.getBackend());
}

/** Runs a registered host kernel; the caller owns the returned tensors. */
export function runHostKernel(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: tf.NamedAttrMap = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(kernelName, inputs as unknown as tf.NamedTensorMap, attrs) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}
