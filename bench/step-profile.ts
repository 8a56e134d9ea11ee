/**
 * Measurement: where a bare training step's time goes on one backend (default wasm, MLP,
 * batch 64). After a warm-up epoch, `rounds` times over an epoch of batches:
 *  1. wall time per phase — data (DataLoader gather + tf.tensor), forward+backward
 *     (the engine's lossAndGrads, as the Runner's trainStep), update (SGD assigns), release;
 *  2. the same steps under tf.profile, phase by phase: time inside each backend kernel.
 * Dispatch (tfjs's JS around each kernel: tape, bookkeeping, scopes) = phase wall − kernel time.
 * Medians over rounds. Then a probe of the first layer's forward pass: TensorFlow.js's fused
 * matMul with the same weights buffer every call vs a freshly written one (as after every
 * SGD update), and the SIMD dense kernel with a fresh one.
 * Usage: node --import tsx bench/step-profile.ts '{"backend":"wasm","model":"mlp","batchSize":64}'
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/main/training/backend';
import { loadDataBunch } from '../src/main/training/data/load';
import { lossAndGrads, type StepTensors } from '../src/main/training/loop/backprop';
import { crossEntropy } from '../src/main/training/loss';
import { simdDenseForward } from '../src/main/training/kernels/dense-forward';
import { setSimdKernels } from '../src/main/training/kernels/simd/simd-kernels';
import { denseForward } from '../src/main/training/models/dense';
import type { Model } from '../src/main/training/models/model';
import { bareLr, createModel, sgdUpdate, trainStep, type BareLr } from './lib/bare-step';
import { runMeasurement } from './lib/emit';
import { jobConfig, parseJobOptions } from './lib/job-options';
import { median } from './lib/stats';
import { kernelSummary, type KernelRecord, type KernelSplit, type StepProfile } from './lib/step-split';

type Phases = StepProfile['phases_ms'];

const ROUNDS = 3;

function grads(model: Model, xb: tf.Tensor, yb: tf.Tensor): StepTensors {
  return lossAndGrads(model, crossEntropy, xb, yb);
}

function release(g: StepTensors, xb: tf.Tensor, yb: tf.Tensor): void {
  for (const t of [g.pred, g.loss, ...g.grads, xb, yb]) t.dispose();
}

/** One epoch with only performance.now() added: ms per step of each phase. */
function wallPass(model: Model, batches: Iterable<{ xb: tf.Tensor; yb: tf.Tensor }>, lr: BareLr): Phases & { step: number } {
  const sum = { data: 0, forward_backward: 0, update: 0, release: 0 };
  let steps = 0;
  const it = batches[Symbol.iterator]();
  const start = performance.now();
  for (;;) {
    const t0 = performance.now();
    const next = it.next();
    if (next.done) break;
    const { xb, yb } = next.value;
    const t1 = performance.now();
    const g = grads(model, xb, yb);
    const t2 = performance.now();
    sgdUpdate(model, g.grads, lr);
    const t3 = performance.now();
    release(g, xb, yb);
    const t4 = performance.now();
    sum.data += t1 - t0;
    sum.forward_backward += t2 - t1;
    sum.update += t3 - t2;
    sum.release += t4 - t3;
    steps++;
  }
  const whole = performance.now() - start;
  return {
    data: sum.data / steps,
    forward_backward: sum.forward_backward / steps,
    update: sum.update / steps,
    release: sum.release / steps,
    step: whole / steps,
  };
}

/** One epoch under tf.profile, phase by phase: kernel records of forward+backward and of the update. */
async function kernelPass(model: Model, batches: Iterable<{ xb: tf.Tensor; yb: tf.Tensor }>, lr: BareLr) {
  const backward: KernelRecord[] = [];
  const upd: KernelRecord[] = [];
  let steps = 0;
  for (const { xb, yb } of batches) {
    let g: StepTensors | null = null;
    // tf.profile returns the engine's one profile object: copy its kernels before the next call.
    const p1 = await tf.profile(() => {
      g = grads(model, xb, yb);
      return g.loss;
    });
    backward.push(...(p1.kernels as unknown as KernelRecord[]));
    const p2 = await tf.profile(() => sgdUpdate(model, g!.grads, lr));
    upd.push(...(p2.kernels as unknown as KernelRecord[]));
    release(g!, xb, yb);
    steps++;
  }
  const isKernel = (name: string) => tf.getKernel(name, tf.getBackend()) !== undefined;
  return { forward_backward: kernelSummary(backward, steps, isKernel), update: kernelSummary(upd, steps, isKernel) };
}

/** µs per call, median of 5 runs of `n` calls after a warm-up. */
function microseconds(n: number, f: () => void): number {
  for (let i = 0; i < 10; i++) f();
  const runs: number[] = [];
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    for (let i = 0; i < n; i++) f();
    runs.push(((performance.now() - t0) / n) * 1000);
  }
  return median(runs)!;
}

/** The first layer's forward pass with a cached weights buffer vs a fresh one each call, on tfjs's ops and on the SIMD kernel. */
function matmulProbe(model: Model, batchSize: number): StepProfile['matmul_probe'] {
  const [w, bias] = model.params;
  if (w?.rank !== 2 || bias?.rank !== 1) return null;
  const kernel = w as tf.Tensor2D;
  const b = bias as tf.Tensor1D;
  const x = tf.randomNormal([batchSize, w.shape[0]!]) as tf.Tensor2D;
  const copyUs = microseconds(200, () => tf.add(w, 0).dispose());
  const fresh = () => {
    const written = tf.add(kernel, 0) as tf.Tensor2D;
    denseForward(x, written, b, 'relu').dispose();
    written.dispose();
  };
  const simd = setSimdKernels(false);
  const sameUs = microseconds(200, () => denseForward(x, kernel, b, 'relu').dispose());
  const freshUs = microseconds(200, fresh);
  setSimdKernels(simd);
  // Timed only where the SIMD kernel runs (denseForward would time tfjs's ops again).
  const runs = simd ? simdDenseForward(x, kernel, b, 'relu') : null;
  runs?.dispose();
  const simdUs = runs ? microseconds(200, fresh) - copyUs : null;
  x.dispose();
  return {
    shape: `[${batchSize},${w.shape[0]}]×[${w.shape.join(',')}]`,
    same_weights_us: sameUs,
    fresh_weights_us: freshUs - copyUs,
    simd_fresh_weights_us: simdUs,
  };
}

const medianOf = <T>(items: readonly T[], pick: (t: T) => number) => median(items.map(pick))!;

function medianSplit(splits: readonly KernelSplit[]): KernelSplit {
  // The round whose kernel total is the median stands for all (its top list stays consistent).
  const total = (s: KernelSplit) => s.matmul_ms + s.other_kernels_ms;
  const sorted = [...splits].sort((a, b) => total(a) - total(b));
  return sorted[sorted.length >> 1]!;
}

runMeasurement(async (): Promise<StepProfile> => {
  const opts = parseJobOptions(process.argv[2]);
  const config = jobConfig(opts);
  const active = await initBackend(config.backend);
  const data = await loadDataBunch(config);
  const model = createModel(config, data.trainDs.shape, data.c);
  const lr = bareLr(config.lr);

  for (const { xb, yb } of data.trainDl) {
    trainStep(model, xb, yb, lr).dispose();
    xb.dispose();
    yb.dispose();
  }
  // The errors check reads every kernel's output back: off, or it would dominate the profile.
  tf.env().set('CHECK_COMPUTATION_FOR_ERRORS', false);
  const walls: (Phases & { step: number })[] = [];
  const kernels: Awaited<ReturnType<typeof kernelPass>>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    walls.push(wallPass(model, data.trainDl, lr));
    kernels.push(await kernelPass(model, data.trainDl, lr));
  }
  const probe = matmulProbe(model, config.batchSize);
  model.dispose();
  lr.scalar.dispose();

  const stepMs = medianOf(walls, (w) => w.step);
  return {
    backend: active.backend,
    device: active.device,
    model: config.model,
    batch_size: config.batchSize,
    steps: data.trainDl.length,
    rounds: ROUNDS,
    step_ms: stepMs,
    samples_per_second: (config.batchSize / stepMs) * 1000,
    phases_ms: {
      data: medianOf(walls, (w) => w.data),
      forward_backward: medianOf(walls, (w) => w.forward_backward),
      update: medianOf(walls, (w) => w.update),
      release: medianOf(walls, (w) => w.release),
    },
    forward_backward: medianSplit(kernels.map((k) => k.forward_backward)),
    update: medianSplit(kernels.map((k) => k.update)),
    matmul_probe: probe,
  };
});
