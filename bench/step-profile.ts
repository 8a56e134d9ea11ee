/**
 * Measurement: where a bare training step's time goes on one backend (default wasm, MLP,
 * batch 64). Two passes over the same epoch of batches after a warm-up epoch:
 *  1. wall time per phase — data (DataLoader gather + tf.tensor), forward+backward
 *     (tf.variableGrads), update (SGD assigns), release (dispose + tidy exit);
 *  2. the same steps under tf.profile, phase by phase: time inside each backend kernel.
 * Dispatch (tfjs's JS per kernel: tape, bookkeeping, scopes) = phase wall time − kernel time.
 * Usage: node --import tsx bench/step-profile.ts '{"backend":"wasm","model":"mlp","batchSize":64}'
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/main/training/backend';
import { loadDataBunch } from '../src/main/training/data/load';
import { crossEntropy } from '../src/main/training/loss';
import type { Model } from '../src/main/training/models/model';
import { createModel, trainStep } from './lib/bare-step';
import { runMeasurement } from './lib/emit';
import { jobConfig, parseJobOptions } from './lib/job-options';
import { kernelSummary, type KernelRecord, type StepProfile } from './lib/step-split';

type Grads = { value: tf.Scalar; grads: tf.NamedTensorMap };

function grads(model: Model, xb: tf.Tensor, yb: tf.Tensor): Grads {
  return tf.variableGrads(() => crossEntropy(model.forward(xb), yb), model.params as tf.Variable[]);
}

function update(model: Model, g: tf.NamedTensorMap, lr: number): void {
  tf.tidy(() => {
    for (const p of model.params) p.assign(tf.sub(p, tf.mul(g[p.name]!, lr)));
  });
}

function release(g: Grads, xb: tf.Tensor, yb: tf.Tensor): void {
  g.value.dispose();
  for (const t of Object.values(g.grads)) t.dispose();
  xb.dispose();
  yb.dispose();
}

runMeasurement(async (): Promise<StepProfile> => {
  const opts = parseJobOptions(process.argv[2]);
  const config = jobConfig(opts);
  const active = await initBackend(config.backend);
  const data = await loadDataBunch(config);
  const model = createModel(config, data.trainDs.shape, data.c);
  const lr = config.lr;

  for (const { xb, yb } of data.trainDl) {
    trainStep(model, xb, yb, lr).dispose();
    xb.dispose();
    yb.dispose();
  }

  // Pass 1: wall time per phase, nothing but performance.now() added to the step.
  const wall = { data: 0, forwardBackward: 0, update: 0, release: 0 };
  let steps = 0;
  const it = data.trainDl[Symbol.iterator]();
  const whole0 = performance.now();
  for (;;) {
    const t0 = performance.now();
    const next = it.next();
    if (next.done) break;
    const { xb, yb } = next.value;
    const t1 = performance.now();
    const g = grads(model, xb, yb);
    const t2 = performance.now();
    update(model, g.grads, lr);
    const t3 = performance.now();
    release(g, xb, yb);
    const t4 = performance.now();
    wall.data += t1 - t0;
    wall.forwardBackward += t2 - t1;
    wall.update += t3 - t2;
    wall.release += t4 - t3;
    steps++;
  }
  const wholeMs = performance.now() - whole0;

  // Pass 2: kernel times per phase under tf.profile (errors check off: it reads every output).
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const backward: KernelRecord[] = [];
  const upd: KernelRecord[] = [];
  for (const { xb, yb } of data.trainDl) {
    let g: Grads | null = null;
    // tf.profile returns the engine's one profile object: copy its kernels before the next call.
    const p1 = await tf.profile(() => {
      g = grads(model, xb, yb);
      return g.value;
    });
    backward.push(...(p1.kernels as unknown as KernelRecord[]));
    const p2 = await tf.profile(() => update(model, g!.grads, lr));
    upd.push(...(p2.kernels as unknown as KernelRecord[]));
    release(g!, xb, yb);
  }
  model.dispose();

  const isKernel = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;
  return {
    backend: active.backend,
    device: active.device,
    model: config.model,
    batch_size: config.batchSize,
    steps,
    step_ms: wholeMs / steps,
    samples_per_second: (data.trainDs.length / wholeMs) * 1000,
    phases_ms: {
      data: wall.data / steps,
      forward_backward: wall.forwardBackward / steps,
      update: wall.update / steps,
      release: wall.release / steps,
    },
    forward_backward: kernelSummary(backward, steps, isKernel),
    update: kernelSummary(upd, steps, isKernel),
  };
});
