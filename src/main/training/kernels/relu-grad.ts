/**
 * ReLU's backward pass in one host kernel: dy where relu's output y > 0, else 0 (0 at 0,
 * as PyTorch) — what `dy · step(y)` computes in two kernels on the composite path.
 */
import * as tf from '@tensorflow/tfjs';
import { onHostBackend, registerHostKernel, runHostKernel } from './host-kernel';

const KERNEL = 'RunlabReluGrad';

registerHostKernel(KERNEL, (memory, { dy, y }) => {
  const result = memory.alloc(dy!.shape, 'float32');
  const g = memory.view(dy!);
  const out = memory.view(y!);
  const dx = memory.view(result);
  // NaN in y propagates as step(NaN) · dy does.
  for (let i = 0; i < dx.length; i++) dx[i] = out[i]! > 0 ? g[i]! : out[i]! <= 0 ? 0 : Number.NaN;
  return result;
});

/** dy · (y > 0) from the host kernel on wasm and cpu; null on other backends. */
export function fusedReluGrad(dy: tf.Tensor, y: tf.Tensor): tf.Tensor | null {
  if (!onHostBackend() || dy.dtype !== 'float32' || y.dtype !== 'float32') return null;
  return runHostKernel(KERNEL, { dy, y })[0]!;
}

/** ReLU's backward pass, dy · (y > 0): the host kernel where it runs, else the composite. */
export function reluGrad<T extends tf.Tensor>(dy: T, y: T): T {
  return (fusedReluGrad(dy, y) ?? tf.mul(dy, tf.step(y))) as T;
}
