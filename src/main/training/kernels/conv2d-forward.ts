/**
 * A convolution's forward pass, act(conv(x, filter) + bias) ('same', NHWC), as SIMD
 * kernels on wasm (simd/kernels.wat): the input padded once, then every window read in
 * place by one product with bias and relu fused — none of XNNPACK's per-step packing of a
 * new filter. In training the padded input is kept for the backward pass, which reads the
 * same windows.
 */
import type * as tf from '@tensorflow/tfjs';
import type { Activation } from '../models/layer';
import { convGeometry, rowTable } from './conv-geometry';
import { runHostKernel } from './host-kernel';
import { activeSimdKernels, registerSimdKernel } from './simd/simd-kernels';

const KERNEL = 'RunlabConv2dForward';

registerSimdKernel(KERNEL, (simd, memory, at, { x, filter, bias }, { stride, relu, keepPadded }) => {
  const g = convGeometry(x!.shape, filter!.shape, stride as number);
  const y = memory.alloc([g.images, g.oh, g.ow, g.oc], 'float32');
  const xp = g.padded ? memory.alloc([g.images, g.hp, g.wp, g.c], 'float32') : null;
  if (xp) simd.padNhwc(at(x!), at(xp), g.images, g.h, g.w, g.c, g.hp, g.wp, g.top, g.left);
  const table = rowTable(simd, g);
  simd.convFwd(xp ? at(xp) : at(x!), table, at(filter!), at(bias!), at(y), g.m, g.kh, g.l, g.rowBytes, g.oc, relu ? 1 : 0);
  if (xp && keepPadded) return [y, xp];
  if (xp) memory.release(xp);
  return y;
});

/** y, and with `keepPadded` the padded input the backward pass can take (null where x needs no padding). */
export interface SimdConvForward {
  y: tf.Tensor4D;
  padded: tf.Tensor4D | null;
}

/**
 * act(conv(x, filter) + bias) from the SIMD kernels, and the padded input when asked for;
 * null where they do not run (use tf.fused.conv2d).
 */
export function simdConv2dForward(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  bias: tf.Tensor1D,
  stride: number,
  activation: Activation,
  keepPadded = false,
): SimdConvForward | null {
  if (!activeSimdKernels([x, filter, bias])) return null;
  const [y, padded] = runHostKernel(KERNEL, { x, filter, bias }, { stride, relu: activation === 'relu', keepPadded });
  return { y: y as tf.Tensor4D, padded: (padded as tf.Tensor4D | undefined) ?? null };
}
