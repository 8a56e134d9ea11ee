/**
 * SGD's update, p − lr · (g + wd · p), as one SIMD kernel per parameter on wasm
 * (simd/kernels.wat) — two kernels on the op path (four with weight decay), each a pass
 * over the parameter, and the same float32 result to the bit. Where the variable is the
 * only handle on its data, the kernel writes the new values over the old ones: no new
 * tensor, no assign, no dispose (measured: the default MLP's 4 updates 23 → 14 µs a step).
 */
import * as tf from '@tensorflow/tfjs';
import { runHostKernel } from './host-kernel';
import { activeHostMemory } from './host-memory';
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

/** The part of the wasm backend read here: its count of handles on a tensor's data (tfjs-wasm 4.22). */
interface RefCounting {
  refCount(dataId: object): number;
}

/**
 * Updates `p` in place and returns true where the SIMD kernels run and `p` is the only
 * handle on its data — a clone or a retained handle (kernels/retain.ts) would see the new
 * values too, so then it returns false and the caller assigns simdSgdStep's result.
 */
export function simdSgdStepInPlace(p: tf.Variable, g: tf.Tensor, lr: number, weightDecay: number): boolean {
  const simd = activeSimdKernels([p, g]);
  if (!simd || (tf.backend() as unknown as RefCounting).refCount(p.dataId) !== 1) return false;
  const memory = activeHostMemory()!;
  const at = memory.view(p).byteOffset;
  simd.sgdStep(at, memory.view(g).byteOffset, at, p.size, lr, weightDecay);
  return true;
}
