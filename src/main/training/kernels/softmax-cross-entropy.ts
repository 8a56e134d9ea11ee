/**
 * Softmax cross-entropy's value and gradient in one host kernel: per row, the max, the
 * shifted exponentials and their sum, log-sum-exp minus the label's logit for the value,
 * softmax − onehot for the gradient, both divided by the batch — the same math as the
 * composite in loss.ts (which the tape and GPU backends keep), in one pass instead of 14
 * kernels. The value is summed in double precision, then stored as float32.
 */
import type * as tf from '@tensorflow/tfjs';
import { onHostBackend, registerHostKernel, runHostKernel } from './host-kernel';

const KERNEL = 'RunlabSoftmaxCrossEntropy';

registerHostKernel(KERNEL, (memory, { logits, labels }) => {
  const [batch, classes] = logits!.shape as [number, number];
  // Labels are checked before anything is allocated: the composite's oneHot would silently
  // score an unknown class as 0.
  const checked = memory.view(labels!);
  for (let i = 0; i < batch; i++) {
    const label = checked[i]!;
    if (!(label >= 0 && label < classes)) {
      throw new Error(`Label ${label} (batch row ${i + 1}) is not one of the model's ${classes} classes (0–${classes - 1})`);
    }
  }
  const valueOut = memory.alloc([], 'float32');
  const gradOut = memory.alloc([batch, classes], 'float32');
  const x = memory.view(logits!);
  const y = memory.view(labels!);
  const grad = memory.view(gradOut);
  const inv = 1 / batch;
  let total = 0;
  for (let i = 0; i < batch; i++) {
    const row = i * classes;
    let max = -Infinity;
    for (let j = 0; j < classes; j++) if (x[row + j]! > max) max = x[row + j]!;
    // All NaN (or +Infinity) logits: NaN flows through, as with the composite.
    if (max === -Infinity || max === Infinity) max = Number.NaN;
    let sum = 0;
    for (let j = 0; j < classes; j++) {
      const e = Math.exp(x[row + j]! - max);
      grad[row + j] = e;
      sum += e;
    }
    const label = Math.trunc(y[i]!);
    total += Math.log(sum) - (x[row + label]! - max);
    const scale = inv / sum;
    for (let j = 0; j < classes; j++) grad[row + j] = grad[row + j]! * scale;
    grad[row + label] = grad[row + label]! - inv;
  }
  memory.view(valueOut)[0] = total * inv;
  return [valueOut, gradOut];
});

/** {value, grad} from the host kernel on wasm and cpu; null on other backends (use the composite). */
export function fusedSoftmaxCrossEntropy(logits: tf.Tensor2D, labels: tf.Tensor1D): { value: tf.Scalar; grad: tf.Tensor2D } | null {
  if (!onHostBackend()) return null;
  const [value, grad] = runHostKernel(KERNEL, { logits, labels });
  return { value: value as tf.Scalar, grad: grad as tf.Tensor2D };
}
