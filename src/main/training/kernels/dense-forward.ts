/**
 * A dense layer's forward pass, act(x·W + b), as one SIMD kernel on wasm (simd/kernels.wat):
 * the weights are read where they are, with none of XNNPACK's per-step packing of a new
 * weights tensor (measured: the first layer's product 0.7 ms with packing, 0.35 without).
 */
import type * as tf from '@tensorflow/tfjs';
import type { Activation } from '../models/layer';
import { runHostKernel } from './host-kernel';
import { activeSimdKernels, registerSimdKernel } from './simd/simd-kernels';

const KERNEL = 'RunlabDenseForward';

registerSimdKernel(KERNEL, (simd, memory, at, { x, kernel, bias }, { relu }) => {
  const [m, k] = x!.shape as [number, number];
  const n = kernel!.shape[1]!;
  const out = memory.alloc([m, n], 'float32');
  simd.gemmNN(at(x!), at(kernel!), at(bias!), at(out), m, k, n, relu ? 1 : 0);
  return out;
});

/** act(x·W + b) from the SIMD kernel; null where it does not run (use tf.fused.matMul). */
export function simdDenseForward(x: tf.Tensor2D, kernel: tf.Tensor2D, bias: tf.Tensor1D, activation: Activation): tf.Tensor2D | null {
  if (!activeSimdKernels([x, kernel, bias])) return null;
  return runHostKernel(KERNEL, { x, kernel, bias }, { relu: activation === 'relu' })[0] as tf.Tensor2D;
}
