/**
 * A convolution's backward pass as SIMD kernels on wasm (simd/kernels.wat): relu's mask,
 * the filter gradient (every window against dL/dy, read in place from the padded input),
 * the bias gradient and, when asked for, the input gradient (dL/dy · filterᵀ added into
 * each window of a padded dx) — where tfjs-wasm has no filter-gradient kernel at all and
 * the op path computes both gradients as forward convolutions of rearranged tensors.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Activation, LayerGrads } from '../models/layer';
import { convGeometry, rowTable } from './conv-geometry';
import { runHostKernel } from './host-kernel';
import { activeSimdKernels, registerSimdKernel } from './simd/simd-kernels';

const KERNEL = 'RunlabConv2dBackward';

registerSimdKernel(KERNEL, (simd, memory, at, { x, y, dy, filter, padded }, { stride, relu, inputGrad }) => {
  const g = convGeometry(x!.shape, filter!.shape, stride as number);
  const dw = memory.alloc(filter!.shape, 'float32');
  const db = memory.alloc([g.oc], 'float32');
  const dx = inputGrad ? memory.alloc(x!.shape, 'float32') : null;
  // Scratch, freed before returning: relu's masked gradient, the padded input, filterᵀ,
  // the padded dx, and the products of the input gradient where they cannot be added in place.
  const scratch: tf.TensorInfo[] = [];
  const borrow = (size: number): tf.TensorInfo => {
    const t = memory.alloc([size], 'float32');
    scratch.push(t);
    return t;
  };
  const masked = relu ? borrow(g.m * g.oc) : null;
  const xp = g.padded ? (padded ?? borrow(g.images * g.hp * g.wp * g.c)) : null;
  const wt = dx ? borrow(g.oc * g.k) : null;
  const dxp = dx && g.padded ? borrow(g.images * g.hp * g.wp * g.c) : dx;
  const cols = dx && g.l % 8 !== 0 ? borrow(g.m * g.k) : null;
  const grad = masked ? at(masked) : at(dy!);
  // relu's mask and the bias gradient (its column sums) in one pass.
  if (masked) simd.reluGradSums(at(dy!), at(y!), grad, at(db), g.m, g.oc);
  else simd.colSums(grad, at(db), g.m, g.oc);
  if (xp && !padded) simd.padNhwc(at(x!), at(xp), g.images, g.h, g.w, g.c, g.hp, g.wp, g.top, g.left);
  const table = rowTable(simd, g);
  simd.convDw(xp ? at(xp) : at(x!), table, grad, at(dw), g.m, g.kh, g.l, g.rowBytes, g.oc);
  if (dx && wt && dxp) {
    simd.transpose(at(filter!), at(wt), g.k, g.oc);
    const imageRows = g.oh * g.ow;
    if (cols) {
      simd.gemmNN(grad, at(wt), 0, at(cols), g.m, g.oc, g.k, 0);
      simd.col2im(at(cols), at(dxp), table, g.images, imageRows, g.imageBytes, g.kh, g.l, g.rowBytes);
    } else {
      simd.convDx(grad, at(wt), at(dxp), table, g.images, imageRows, g.imageBytes, g.kh, g.l, g.rowBytes, g.oc);
    }
    if (dxp !== dx) simd.unpadNhwc(at(dxp), at(dx), g.images, g.h, g.w, g.c, g.hp, g.wp, g.top, g.left);
  }
  for (const t of scratch) memory.release(t);
  return dx ? [dw, db, dx] : [dw, db];
});

/**
 * The gradients of act(conv(x, filter) + bias) given its output y and dL/dy, from the
 * SIMD kernels — reading the forward pass's padded input when it kept one; null where they
 * do not run (use the op path).
 */
export function simdConv2dBackward(
  x: tf.Tensor4D,
  y: tf.Tensor4D,
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  stride: number,
  activation: Activation,
  inputGrad: boolean,
  padded: tf.Tensor4D | null = null,
): LayerGrads | null {
  if (!activeSimdKernels([x, y, dy, filter])) return null;
  const inputs: Record<string, tf.Tensor> = padded ? { x, y, dy, filter, padded } : { x, y, dy, filter };
  const [dw, db, dx] = runHostKernel(KERNEL, inputs, { stride, relu: activation === 'relu', inputGrad });
  return { dx: dx ?? null, grads: [dw!, db!] };
}
