/**
 * HyperScalars: device scalars for an optimizer's hyperparameter values, uploaded once and
 * again only when a value changes (a schedule) — `tf.mul(g, 0.5)` would upload a new scalar
 * tensor on every call of every step. The owner disposes them.
 */
import * as tf from '@tensorflow/tfjs';

export class HyperScalars {
  private readonly cache = new Map<string, { value: number; tensor: tf.Scalar }>();

  /** The scalar for `value` under `key` (kept past any tf.tidy). */
  get(key: string, value: number): tf.Scalar {
    const hit = this.cache.get(key);
    if (hit !== undefined && Object.is(hit.value, value)) return hit.tensor;
    hit?.tensor.dispose();
    const tensor = tf.keep(tf.scalar(value));
    this.cache.set(key, { value, tensor });
    return tensor;
  }

  dispose(): void {
    for (const { tensor } of this.cache.values()) tensor.dispose();
    this.cache.clear();
  }
}
