/**
 * The SIMD kernels (kernels/simd/kernels.wat, run on tfjs-wasm's heap): the module in the
 * repository is its source compiled; a dense layer's forward and backward passes equal a
 * float64 reference for tile-sized, ragged and narrower-than-a-tile shapes; SGD's update
 * equals the optimizer's ops to the bit; they replace TensorFlow.js's kernels on wasm only;
 * NaN passes through; nothing leaks — tensors or the scratch memory the backward pass
 * borrows.
 */
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { compileWat, modulePath, moduleSource, watFiles } from '../../../scripts/build-wasm.js';
import { initBackend } from '../../../src/main/training/backend';
import { lossAndGrads } from '../../../src/main/training/loop/backprop';
import { simdDenseBackward } from '../../../src/main/training/kernels/dense-backward';
import { simdDenseForward } from '../../../src/main/training/kernels/dense-forward';
import { retain } from '../../../src/main/training/kernels/retain';
import { simdSgdUpdate } from '../../../src/main/training/kernels/sgd-step';
import { simdKernelsStatus, setSimdKernels } from '../../../src/main/training/kernels/simd/simd-kernels';
import { crossEntropy } from '../../../src/main/training/loss';
import { denseBackward, denseForward } from '../../../src/main/training/models/dense';
import type { Activation } from '../../../src/main/training/models/layer';
import { createMlp } from '../../../src/main/training/models/mlp';
import { SGD } from '../../../src/main/training/optim/optimizers';

afterEach(() => {
  setSimdKernels(true);
});

afterAll(async () => {
  await initBackend('cpu');
});

type Matrix = { rows: number; cols: number; v: Float64Array };

/** `size` seeded values in [-1, 1), float32. */
function seeded(size: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return new Float32Array(size).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** A seeded matrix as a float32 tensor and the same values in float64. */
function matrix(rows: number, cols: number, seed: number): { t: tf.Tensor2D; m: Matrix } {
  const v = seeded(rows * cols, seed);
  return { t: tf.tensor2d(v, [rows, cols]), m: { rows, cols, v: Float64Array.from(v) } };
}

/**
 * A seeded bias, made 1-D (tfjs-wasm's fused matMul reads the shape a buffer was written
 * with: a reshaped [1, n] bias is refused as rank 2).
 */
const vector = (n: number, seed: number): tf.Tensor1D => tf.tensor1d(seeded(n, seed));

/** a·b in float64; `ta`/`tb` read a or b transposed. */
function product(a: Matrix, b: Matrix, ta = false, tb = false): Matrix {
  const rows = ta ? a.cols : a.rows;
  const inner = ta ? a.rows : a.cols;
  const cols = tb ? b.rows : b.cols;
  const v = new Float64Array(rows * cols);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      let sum = 0;
      for (let k = 0; k < inner; k++)
        sum += (ta ? a.v[k * a.cols + i]! : a.v[i * a.cols + k]!) * (tb ? b.v[j * b.cols + k]! : b.v[k * b.cols + j]!);
      v[i * cols + j] = sum;
    }
  }
  return { rows, cols, v };
}

/** The largest |got − want| over `scale` (the size of the sums involved), so one tolerance fits every shape. */
function relError(got: tf.Tensor, want: ArrayLike<number>, scale: number): number {
  const g = got.dataSync();
  expect(g.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i]! - want[i]!) / scale);
  return worst;
}

/** [rows, inputs, units]: the default MLP's two layers, exact tiles, ragged edges, and shapes narrower than a 4×8 tile. */
const SHAPES: readonly [number, number, number][] = [
  [64, 784, 50],
  [64, 50, 10],
  [4, 8, 8],
  [13, 17, 11],
  [16, 5, 2],
  [3, 5, 7],
  [1, 3, 2],
  [7, 1, 9],
  [2, 10, 12],
  [13, 100, 90], // W large enough that the forward product reads it through packed panels
  [100, 12, 90], // dL/dy large enough that the weight gradient reads it through packed panels
];

describe('the SIMD kernels', () => {
  it('the module in the repository is kernels.wat compiled (npm run build:wasm)', async () => {
    const sources = watFiles();
    expect(sources.map((p) => p.split(/[\\/]/).pop())).toContain('kernels.wat');
    for (const wat of sources) {
      expect(readFileSync(modulePath(wat), 'utf8'), `${modulePath(wat)} is stale: run npm run build:wasm`).toBe(
        moduleSource(wat, await compileWat(wat)),
      );
    }
  });

  it('instantiate on the wasm backend, and say why not on a backend without its memory', async () => {
    await initBackend('wasm');
    expect(simdKernelsStatus(tf.backend()).reason).toBeNull();
    expect(simdKernelsStatus({})).toEqual({ simd: null, reason: 'the wasm backend does not expose its memory' });
  });

  it.each(SHAPES)('forward [%i×%i]·[×%i]: act(x·W + b) equals the float64 reference, relu and linear', async (m, k, n) => {
    await initBackend('wasm');
    const x = matrix(m, k, 1);
    const w = matrix(k, n, 2);
    const bias = vector(n, 3);
    const b = bias.dataSync();
    const linear = product(x.m, w.m).v.map((v, i) => v + b[i % n]!);
    for (const activation of ['linear', 'relu'] as Activation[]) {
      const out = simdDenseForward(x.t, w.t, bias, activation)!;
      expect(out.shape).toEqual([m, n]);
      const want = activation === 'relu' ? linear.map((v) => Math.max(v, 0)) : linear;
      expect(relError(out, want, Math.sqrt(k))).toBeLessThan(5e-6);
      out.dispose();
    }
    tf.dispose([x.t, w.t, bias]);
  });

  it.each(SHAPES)(
    "backward [%i×%i]·[×%i]: dW = xᵀg, db = Σg and dx = g·Wᵀ with relu's mask equal the float64 reference",
    async (m, k, n) => {
      await initBackend('wasm');
      const x = matrix(m, k, 4);
      const w = matrix(k, n, 5);
      const dy = matrix(m, n, 6);
      // relu's output: zero where the seeded values are negative, so about half is masked.
      const y = tf.relu(matrix(m, n, 7).t) as tf.Tensor2D;
      const yv = y.dataSync();
      for (const activation of ['linear', 'relu'] as Activation[]) {
        const g: Matrix = { rows: m, cols: n, v: dy.m.v.map((v, i) => (activation === 'linear' || yv[i]! > 0 ? v : 0)) };
        const grads = simdDenseBackward(x.t, y, dy.t, w.t, activation, true)!;
        const [dw, db] = grads.grads as [tf.Tensor, tf.Tensor];
        expect(dw.shape).toEqual([k, n]);
        expect(db.shape).toEqual([n]);
        expect(grads.dx!.shape).toEqual([m, k]);
        expect(relError(dw, product(x.m, g, true).v, Math.sqrt(m))).toBeLessThan(5e-6);
        const colSums = Array.from({ length: n }, (_, j) =>
          Array.from({ length: m }, (__, i) => g.v[i * n + j]!).reduce((s, v) => s + v, 0),
        );
        expect(relError(db, colSums, Math.sqrt(m))).toBeLessThan(5e-6);
        expect(relError(grads.dx!, product(g, w.m, false, true).v, Math.sqrt(n))).toBeLessThan(5e-6);
        const noDx = simdDenseBackward(x.t, y, dy.t, w.t, activation, false)!;
        expect(noDx.dx).toBeNull();
        expect(Array.from(noDx.grads[0]!.dataSync())).toEqual(Array.from(dw.dataSync()));
        tf.dispose([dw, db, grads.dx!, ...noDx.grads]);
      }
      tf.dispose([x.t, w.t, dy.t, y]);
    },
  );

  it('replace the products on wasm — 2 kernels per dense layer per step instead of 8 — and not on cpu, or when switched off', async () => {
    const kernelsOfStep = async (): Promise<string[]> => {
      const model = createMlp({ inputs: 784, hidden: [50], classes: 10, seed: 1 });
      const xb = tf.randomNormal([64, 784], 0, 1, 'float32', 1);
      const yb = tf.tensor1d(
        Array.from({ length: 64 }, (_, i) => i % 10),
        'int32',
      );
      const info = await tf.profile(() => {
        const { pred, loss, grads } = lossAndGrads(model, crossEntropy, xb, yb);
        tf.dispose([pred, loss, ...grads]);
      });
      tf.dispose([xb, yb]);
      model.dispose();
      return info.kernels.map((k) => k.name);
    };
    await initBackend('wasm');
    const simd = await kernelsOfStep();
    expect(simd.filter((k) => k === 'RunlabDenseForward')).toHaveLength(2);
    expect(simd.filter((k) => k === 'RunlabDenseBackward')).toHaveLength(2);
    expect(simd.filter((k) => ['BatchMatMul', '_FusedMatMul', 'Transpose', 'Sum'].includes(k))).toEqual([]);
    setSimdKernels(false);
    const ops = await kernelsOfStep();
    expect(ops.filter((k) => k.startsWith('RunlabDense'))).toEqual([]);
    expect(ops.filter((k) => k === '_FusedMatMul')).toHaveLength(2);
    expect(ops.length - simd.length).toBeGreaterThanOrEqual(8);
    setSimdKernels(true);
    await initBackend('cpu');
    expect((await kernelsOfStep()).filter((k) => k.startsWith('RunlabDense'))).toEqual([]);
  });

  it('compute what the ops path computes through a dense layer, forward and backward, to float tolerance', async () => {
    await initBackend('wasm');
    const x = matrix(64, 784, 8).t;
    const w = tf.mul(matrix(784, 50, 9).t, 0.05) as tf.Tensor2D;
    const b = vector(50, 10);
    const dy = matrix(64, 50, 11).t;
    const run = (): number[][] => {
      const y = denseForward(x, w, b, 'relu');
      const { dx, grads } = denseBackward(x, y, dy, w, 'relu', true);
      const values = [y, dx!, ...grads].map((t) => Array.from(t.dataSync()));
      tf.dispose([y, dx!, ...grads]);
      return values;
    };
    const simd = run();
    setSimdKernels(false);
    const ops = run();
    simd.forEach((values, i) =>
      values.forEach((v, j) => expect(Math.abs(v - ops[i]![j]!)).toBeLessThan(2e-5 * (1 + Math.abs(ops[i]![j]!)))),
    );
    tf.dispose([x, w, b, dy]);
  });

  it('let NaN through: a NaN input makes its row NaN past relu, a NaN output keeps its gradient NaN', async () => {
    await initBackend('wasm');
    const x = tf.tensor2d([Number.NaN, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15], [4, 4]);
    const w = tf.ones([4, 8]) as tf.Tensor2D;
    const b = tf.zeros([8]) as tf.Tensor1D;
    const out = simdDenseForward(x, w, b, 'relu')!.arraySync() as number[][];
    expect(out[0]!.every(Number.isNaN)).toBe(true);
    expect(out[1]).toEqual(Array(8).fill(4 + 5 + 6 + 7));
    const y = tf.tensor2d([[Number.NaN, 0, 1, 2, 0, 3, 4, 5], ...Array.from({ length: 3 }, () => [1, 1, 1, 1, 1, 1, 1, 1])]);
    const dy = tf.ones([4, 8]) as tf.Tensor2D;
    const { grads } = simdDenseBackward(x, y, dy, w, 'relu', false)!;
    expect(Array.from(grads[1]!.dataSync())).toEqual([Number.NaN, 3, 4, 4, 3, 4, 4, 4]);
    tf.dispose([x, w, b, y, dy, ...grads]);
  });

  it('leave nothing behind: the same tensors and backend buffers after 200 passes (the backward pass frees its scratch)', async () => {
    await initBackend('wasm');
    const x = matrix(64, 50, 12).t;
    const w = matrix(50, 10, 13).t;
    const b = tf.zeros([10]) as tf.Tensor1D;
    const dy = matrix(64, 10, 14).t;
    const buffers = (): number => tf.engine().backend.numDataIds();
    const tensors = tf.memory().numTensors;
    const before = buffers();
    for (let i = 0; i < 200; i++) {
      tf.tidy(() => {
        const y = simdDenseForward(x, w, b, 'relu')!;
        simdDenseBackward(x, y, dy, w, 'relu', true);
      });
    }
    expect(tf.memory().numTensors).toBe(tensors);
    expect(buffers()).toBe(before);
    tf.dispose([x, w, b, dy]);
  });

  it.each([1, 3, 4, 50, 39_203])(
    "SGD step over %i floats: p − lr·g and p − lr·(g + wd·p) equal the optimizer's ops to the bit",
    async (size) => {
      await initBackend('wasm');
      const p = tf.tensor1d(seeded(size, 15));
      const g = tf.tensor1d(seeded(size, 16));
      for (const [lr, wd] of [
        [0.5, 0],
        [0.03, 1e-4],
      ] as const) {
        const start = tf.tensor1d(seeded(size, 15));
        const fused = tf.variable(start);
        start.dispose(); // the variable is now the only handle: updated in place
        const dataId = fused.dataId;
        expect(simdSgdUpdate(fused, g, lr, wd)).toBe(true);
        expect(fused.dataId).toBe(dataId);
        const decayed = wd === 0 ? g : tf.add(g, tf.mul(p, tf.scalar(wd)));
        const ops = tf.sub(p, tf.mul(decayed, tf.scalar(lr)));
        expect(Array.from(fused.dataSync())).toEqual(Array.from(ops.dataSync()));
        tf.dispose([fused, ops, ...(decayed === g ? [] : [decayed])]);
      }
      tf.dispose([p, g]);
    },
  );

  it('SGD on wasm updates each parameter in place, with one kernel when another handle shares it, the ops path with two', async () => {
    await initBackend('wasm');
    const model = createMlp({ inputs: 784, hidden: [50], classes: 10, seed: 1 });
    const grads = model.params.map((p) => tf.onesLike(p));
    const opt = new SGD(model.params, { lr: 0.5 });
    const kernels = async (): Promise<string[]> => (await tf.profile(() => opt.step(grads))).kernels.map((k) => k.name);
    const bias = Array.from(model.params[1]!.dataSync());
    const dataIds = model.params.map((p) => p.dataId);
    // Each variable is the only handle on its data: the kernel writes over it, no tfjs kernel runs.
    expect(await kernels()).toEqual([]);
    expect(model.params.map((p) => p.dataId)).toEqual(dataIds);
    // b − 0.5 · 1, rounded to float32 as a float32 subtraction is.
    const once = bias.map((b) => Math.fround(b - 0.5));
    expect(Array.from(model.params[1]!.dataSync())).toEqual(once);
    // A retained handle (as a callback keeps) must keep the values it saw: the kernel then
    // writes a new tensor, which the variable takes.
    const held = retain(model.params[1]!);
    expect(await kernels()).toEqual(['RunlabSgdStep']); // the held bias only
    expect(Array.from(held.dataSync())).toEqual(once);
    expect(Array.from(model.params[1]!.dataSync())).toEqual(once.map((b) => Math.fround(b - 0.5)));
    held.dispose();
    expect(await kernels()).toEqual([]);
    setSimdKernels(false);
    const ops = await kernels();
    expect(ops.filter((k) => k === 'RunlabSgdStep')).toEqual([]);
    expect(ops.length).toBe(8);
    tf.dispose(grads);
    opt.dispose();
    model.dispose();
  });
});
