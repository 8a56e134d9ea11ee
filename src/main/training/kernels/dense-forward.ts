/**
 * A dense layer's forward pass, act(x·W + b), as one SIMD kernel on wasm (simd/kernels.wat):
 * the weights are read where they are, with none of XNNPACK's per-step packing of a new
 * weights tensor (measured: the first layer's product 0.7 ms with packing, 0.35 without).
 * An image batch on its background (sparse-input.ts) costs its entries instead.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Activation } from '../models/layer';
import { runHostKernel } from './host-kernel';
import { activeSimdKernels, registerSimdKernel } from './simd/simd-kernels';
import { sparseRows } from './sparse-input';

const KERNEL = 'RunlabDenseForward';

registerSimdKernel(KERNEL, (simd, memory, at, { x, kernel, bias }, { relu }) => {
  const [m, k] = x!.shape as [number, number];
  const n = kernel!.shape[1]!;
  const out = memory.alloc([m, n], 'float32');
  const entries = n >= 4 ? sparseRows(x!, at(x!), simd) : null;
  if (entries) {
    // bias + bg · W once, then each row's entries on top of it
    const init = memory.alloc([n], 'float32');
    simd.sparseMM(entries.bgPtr, entries.bgIdx, entries.bg, at(kernel!), at(bias!), 0, at(init), 1, n, 0, k);
    simd.sparseMM(entries.ptr, entries.idx, entries.val, at(kernel!), at(init), 0, at(out), m, n, relu ? 1 : 0, entries.entries);
    memory.release(init);
  } else simd.gemmNN(at(x!), at(kernel!), at(bias!), at(out), m, k, n, relu ? 1 : 0);
  return out;
});

/** act(x·W + b) from the SIMD kernel; null where it does not run (use tf.fused.matMul). */
export function simdDenseForward(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: Activation): tf.Tensor2D | null {
  if (!activeSimdKernels([x, kernel, bias])) return null;
  return runHostKernel(KERNEL, { x, kernel, bias }, { relu: activation === 'relu' })[0] as tf.Tensor2D;
}
