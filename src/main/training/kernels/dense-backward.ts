/**
 * A dense layer's backward pass as one SIMD kernel on wasm (simd/kernels.wat): relu's mask,
 * the weight gradient xᵀ·g without transposing x, the bias gradient (g's column sums) and,
 * when asked for, the input gradient g·Wᵀ — six TensorFlow.js kernels on the op path
 * (mask, transpose, matMul, sum, transpose, matMul), each product re-packed by XNNPACK.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Activation, LayerGrads } from '../models/layer';
import { runHostKernel } from './host-kernel';
import { activeSimdKernels, registerSimdKernel } from './simd/simd-kernels';
import { sparseColumns } from './sparse-input';

const KERNEL = 'RunlabDenseBackward';

registerSimdKernel(KERNEL, (simd, memory, at, { x, y, dy, kernel }, { relu, inputGrad }) => {
  const [m, k] = x!.shape as [number, number];
  const n = dy!.shape[1]!;
  const dw = memory.alloc([k, n], 'float32');
  const db = memory.alloc([n], 'float32');
  const dx = inputGrad ? memory.alloc([m, k], 'float32') : null;
  // Scratch: relu's masked gradient and Wᵀ, freed before returning.
  const masked = relu ? memory.alloc([m, n], 'float32') : null;
  const kernelT = dx ? memory.alloc([n, k], 'float32') : null;
  const g = masked ? at(masked) : at(dy!);
  // relu's mask and the bias gradient (its column sums) in one pass.
  if (masked) simd.reluGradSums(at(dy!), at(y!), g, at(db), m, n);
  else simd.colSums(g, at(db), m, n);
  const entries = n >= 4 ? sparseColumns(x!, at(x!), simd) : null;
  // xᵀ · g = bg ⊗ Σ g + (x − bg)ᵀ · g on an image batch's background (sparse-input.ts)
  if (entries) simd.sparseMM(entries.ptr, entries.idx, entries.val, g, at(db), entries.bg, at(dw), k, n, 0, entries.entries);
  else simd.gemmTN(at(x!), g, at(dw), m, k, n);
  if (dx && kernelT) {
    simd.transpose(at(kernel!), at(kernelT), k, n);
    simd.gemmNN(g, at(kernelT), 0, at(dx), m, n, k, 0);
  }
  for (const scratch of [masked, kernelT]) if (scratch) memory.release(scratch);
  return dx ? [dw, db, dx] : [dw, db];
});

/**
 * The gradients of act(x·W + b) given its output y and dL/dy, from the SIMD kernel; null
 * where it does not run (use the op path).
 */
export function simdDenseBackward(
  x: tf.Tensor2D,
  y: tf.Tensor2D,
  dy: tf.Tensor2D,
  kernel: tf.Tensor2D,
  activation: Activation,
  inputGrad: boolean,
): LayerGrads | null {
  if (!activeSimdKernels([x, y, dy, kernel])) return null;
  const [dw, db, dx] = runHostKernel(KERNEL, { x, y, dy, kernel }, { relu: activation === 'relu', inputGrad });
  return { dx: dx ?? null, grads: [dw!, db!] };
}
