/**
 * A callback module for `runlab train --callback`: clips the gradients' global norm before
 * each step (fastai's GradientClip) and keeps the norms it saw. The default export is a
 * factory that gets the engine, so this file needs no import of Runlab at run time.
 */
import type { Engine } from '../../src/main/training/callback-module';

export default function gradientClipping({ Callback, tf }: Engine) {
  class GradientClipCallback extends Callback {
    /** The global norm of every step's gradients, before clipping. */
    readonly norms: number[] = [];

    constructor(readonly maxNorm: number) {
      super();
    }

    override async after_backward(): Promise<void> {
      const r = this.runner;
      const grads = r.grads!;
      const norm = tf.tidy(() => tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))));
      // Read without a device sync per step: at once on wasm and cpu, batched on a GPU.
      r.values.read([norm], ([value]) => this.norms.push(value![0]!));
      // New tensors replace runner.grads; the Runner disposes old and new after the batch.
      r.grads = tf.tidy(() => {
        const scale = tf.minimum(tf.div(this.maxNorm, tf.add(norm, 1e-6)), 1);
        return grads.map((g) => tf.mul(g, scale));
      });
      norm.dispose();
    }
  }
  return new GradientClipCallback(1);
}
