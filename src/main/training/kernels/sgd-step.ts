/**
 * SGD's update, p − lr · (g + wd · p), as one SIMD kernel per parameter on wasm
 * (simd/kernels.wat) — two kernels on the op path (four with weight decay), each a pass
 * over the parameter, and the same float32 result to the bit.
 */
import type * as tf from '@tensorflow/tfjs';
import { runHostKernel } from './host-kernel';
import { activeSimdKernels, registerSimdKernel } from './simd/simd-kernels';

const KERNEL = 'RunlabSgdStep';

registerSimdKernel(KERNEL, (simd, memory, at, { p, g }, { lr, weightDecay }) => {
  const out = memory.alloc(p!.shape, 'float32');
  simd.sgdStep(at(p!), at(g!), at(out), memory.view(out).length, lr as number, weightDecay as number);
  return out;
});

/** The updated parameter from the SIMD kernel (the caller assigns it); null where it does not run (use the ops). */
export function simdSgdStep(p: tf.Tensor, g: tf.Tensor, lr: number, weightDecay: number): tf.Tensor | null {
  if (!activeSimdKernels([p, g])) return null;
  return runHostKernel(KERNEL, { p, g }, { lr, weightDecay })[0]!;
}
