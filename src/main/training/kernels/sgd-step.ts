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

/** The part of the wasm backend read here: its count of handles on a tensor's data (tfjs-wasm 4.22). */
interface RefCounting {
  refCount(dataId: object): number;
}

/**
 * Updates variable `p` with the SIMD kernel and returns true; false where the kernel does
 * not run (the caller uses the ops). In place where `p` is the only handle on its data; a
 * clone or a retained handle (kernels/retain.ts) would see the new values too, so then the
 * kernel writes a new tensor, which `p` takes.
 */
export function simdSgdUpdate(p: tf.Variable, g: tf.Tensor, lr: number, weightDecay: number): boolean {
  const simd = activeSimdKernels([p, g]);
  if (!simd) return false;
  if ((tf.backend() as unknown as RefCounting).refCount(p.dataId) === 1) {
    const memory = activeHostMemory()!;
    const at = memory.view(p).byteOffset;
    simd.sgdStep(at, memory.view(g).byteOffset, at, p.size, lr, weightDecay);
  } else {
    const next = runHostKernel(KERNEL, { p, g }, { lr, weightDecay })[0]!;
    p.assign(next);
    next.dispose();
  }
  return true;
}
