/**
 * Sparse input (kernels/sparse-input.ts): an image batch gathered from bytes is multiplied
 * as its background plus the entries that differ from it. The products equal a float64
 * reference for shapes with ragged edges, one and three channels, and widths from 4 units
 * up; a later batch of the same set takes the mark away from the earlier one; a batch too
 * dense, or the switch off (RUNLAB_SPARSE_INPUT=0 too), keeps the dense products; nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import type { PixelBytes } from '../../../src/main/training/data/dataset';
import { denseBackward, denseForward } from '../../../src/main/training/models/dense';
import { simdGatherPixels } from '../../../src/main/training/kernels/pixel-gather';
import { setSparseInput, sparseInputOn } from '../../../src/main/training/kernels/sparse-input';

afterEach(() => {
  delete process.env.RUNLAB_SPARSE_INPUT;
  setSparseInput(null);
});

afterAll(async () => {
  await initBackend('cpu');
});

/** A seeded generator of floats in [0, 1). */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** `count` images of `k` bytes, `background` of them 0 (on average), the rest any byte. */
function images(count: number, k: number, channels: number, background: number, seed: number): PixelBytes {
  const next = random(seed);
  const values = new Uint8Array(count * k).map(() => (next() < background ? 0 : 1 + Math.floor(next() * 255)));
  const scale = Float32Array.from({ length: channels }, (_, c) => 1 / 255 / (0.3 + 0.05 * c));
  const offset = Float32Array.from({ length: channels }, (_, c) => -(0.13 + 0.02 * c) / (0.3 + 0.05 * c));
  return { values, scale, offset };
}

/** Rows `start` .. `start + m` of `bytes`, gathered as the DataLoader gathers a batch. */
function gather(bytes: PixelBytes, m: number, k: number, start = 0): tf.Tensor2D {
  const order = Int32Array.from({ length: bytes.values.length / k }, (_, i) => i);
  const x = simdGatherPixels(bytes, order, start, m, k, [k]);
  if (!x) throw new Error('no SIMD gather on this backend');
  return x as tf.Tensor2D;
}

function seededTensor(shape: [number, number] | [number], seed: number, amplitude: number): tf.Tensor {
  const next = random(seed);
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Float32Array.from({ length: size }, () => (next() * 2 - 1) * amplitude),
    shape,
  );
}

/** relu(x · W + b) and, for dy, xᵀ · g and Σ g (g: dy masked by relu), in float64. */
function reference(x: Float32Array, w: Float32Array, b: Float32Array, dy: Float32Array, m: number, k: number, n: number) {
  const y = new Float64Array(m * n);
  for (let i = 0; i < m; i++)
    for (let j = 0; j < n; j++) {
      let sum = b[j]!;
      for (let c = 0; c < k; c++) sum += x[i * k + c]! * w[c * n + j]!;
      y[i * n + j] = Math.max(0, sum);
    }
  const g = Float64Array.from(dy, (v, i) => (y[i]! > 0 ? v : 0));
  const dw = new Float64Array(k * n);
  for (let c = 0; c < k; c++)
    for (let j = 0; j < n; j++) {
      let sum = 0;
      for (let i = 0; i < m; i++) sum += x[i * k + c]! * g[i * n + j]!;
      dw[c * n + j] = sum;
    }
  return { y, dw };
}

function worst(got: ArrayLike<number>, want: ArrayLike<number>): number {
  expect(got.length).toBe(want.length);
  let most = 0;
  for (let i = 0; i < got.length; i++) most = Math.max(most, Math.abs(got[i]! - want[i]!) / (1 + Math.abs(want[i]!)));
  return most;
}

/** One forward and backward pass of a relu dense layer on x: y and dW as arrays. */
function pass(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, dy: tf.Tensor2D) {
  const y = denseForward(x, w, b, 'relu');
  const { dx, grads } = denseBackward(x, y, dy, w, 'relu', false);
  const out = { y: y.dataSync().slice(), dw: grads[0]!.dataSync().slice() };
  tf.dispose([y, ...(dx ? [dx] : []), ...grads]);
  return out;
}

describe('sparse input', () => {
  // [rows, floats per row, units, channels]: the default MLP's first layer, ragged rows and widths, colour
  const SHAPES: readonly [number, number, number, number][] = [
    [64, 784, 50, 1],
    [13, 30, 4, 1],
    [7, 45, 5, 3],
    [33, 75, 10, 3],
    [5, 784, 70, 1],
    [64, 98, 9, 1],
  ];

  it.each(SHAPES)(
    'multiplies a %i×%i image batch into %i units (%i channels) as a float64 reference does, and bits apart from the dense products',
    async (m, k, n, channels) => {
      await initBackend('wasm');
      const bytes = images(m + 3, k, channels, 0.8, m * 7 + k);
      const x = gather(bytes, m, k);
      const w = seededTensor([k, n], 3, 0.1) as tf.Tensor2D;
      const b = seededTensor([n], 4, 0.1) as tf.Tensor1D;
      const dy = seededTensor([m, n], 5, 1) as tf.Tensor2D;
      const want = reference(
        x.dataSync() as Float32Array,
        w.dataSync() as Float32Array,
        b.dataSync() as Float32Array,
        dy.dataSync() as Float32Array,
        m,
        k,
        n,
      );
      const sparse = pass(x, w, b, dy);
      setSparseInput(false);
      const dense = pass(x, w, b, dy);
      expect(worst(sparse.y, want.y)).toBeLessThan(2e-5);
      expect(worst(sparse.dw, want.dw)).toBeLessThan(2e-5);
      expect(worst(dense.y, want.y)).toBeLessThan(2e-5);
      // the two paths sum in different orders: if they agree to the bit, the sparse one did not run
      expect(Array.from(sparse.dw)).not.toEqual(Array.from(dense.dw));
      tf.dispose([x, w, b, dy]);
    },
  );

  it('gives each batch its own entries: an earlier batch of the set, used after a later one, keeps the dense products and its right values', async () => {
    await initBackend('wasm');
    const [m, k, n] = [16, 60, 8];
    const bytes = images(40, k, 1, 0.85, 11);
    const w = seededTensor([k, n], 6, 0.1) as tf.Tensor2D;
    const b = seededTensor([n], 7, 0.1) as tf.Tensor1D;
    const dy = seededTensor([m, n], 8, 1) as tf.Tensor2D;
    const first = gather(bytes, m, k, 0);
    const second = gather(bytes, m, k, 16);
    for (const x of [first, second]) {
      const want = reference(
        x.dataSync() as Float32Array,
        w.dataSync() as Float32Array,
        b.dataSync() as Float32Array,
        dy.dataSync() as Float32Array,
        m,
        k,
        n,
      );
      const got = pass(x, w, b, dy);
      expect(worst(got.y, want.y)).toBeLessThan(2e-5);
      expect(worst(got.dw, want.dw)).toBeLessThan(2e-5);
    }
    tf.dispose([first, second, w, b, dy]);
  });

  it('keeps the dense products for a batch with few background pixels, with the same values', async () => {
    await initBackend('wasm');
    const [m, k, n] = [12, 40, 6];
    const bytes = images(12, k, 1, 0.1, 12);
    const x = gather(bytes, m, k);
    const w = seededTensor([k, n], 9, 0.1) as tf.Tensor2D;
    const b = seededTensor([n], 10, 0.1) as tf.Tensor1D;
    const dy = seededTensor([m, n], 11, 1) as tf.Tensor2D;
    const busy = pass(x, w, b, dy);
    setSparseInput(false);
    const dense = pass(x, w, b, dy);
    // too dense for entries: the very same products, to the bit
    expect(Array.from(busy.y)).toEqual(Array.from(dense.y));
    expect(Array.from(busy.dw)).toEqual(Array.from(dense.dw));
    tf.dispose([x, w, b, dy]);
  });

  it('is on by default and off with RUNLAB_SPARSE_INPUT=0: then the products are the dense ones, to the bit', async () => {
    await initBackend('wasm');
    const [m, k, n] = [32, 784, 50];
    const bytes = images(m, k, 1, 0.8, 21);
    const x = gather(bytes, m, k);
    const w = seededTensor([k, n], 22, 0.1) as tf.Tensor2D;
    const b = seededTensor([n], 23, 0.1) as tf.Tensor1D;
    const dy = seededTensor([m, n], 24, 1) as tf.Tensor2D;
    expect(sparseInputOn()).toBe(true);
    const sparse = pass(x, w, b, dy);
    setSparseInput(false);
    const dense = pass(x, w, b, dy);
    process.env.RUNLAB_SPARSE_INPUT = '0';
    setSparseInput(null);
    expect(sparseInputOn()).toBe(false);
    const fromEnv = pass(x, w, b, dy);
    expect(Array.from(fromEnv.dw)).toEqual(Array.from(dense.dw));
    expect(Array.from(fromEnv.y)).toEqual(Array.from(dense.y));
    expect(Array.from(fromEnv.dw)).not.toEqual(Array.from(sparse.dw));
    process.env.RUNLAB_SPARSE_INPUT = '1';
    setSparseInput(null);
    expect(sparseInputOn()).toBe(true);
    // any other value keeps it on
    expect(Array.from(pass(x, w, b, dy).dw)).toEqual(Array.from(sparse.dw));
    tf.dispose([x, w, b, dy]);
  });

  it('leaves nothing behind: the same tensors after 100 sparse passes', async () => {
    await initBackend('wasm');
    const [m, k, n] = [64, 784, 50];
    const bytes = images(640, k, 1, 0.8, 13);
    const w = seededTensor([k, n], 12, 0.05) as tf.Tensor2D;
    const b = seededTensor([n], 13, 0.1) as tf.Tensor1D;
    const dy = seededTensor([m, n], 14, 1) as tf.Tensor2D;
    const step = (i: number) => {
      const x = gather(bytes, m, k, (i % 10) * m);
      pass(x, w, b, dy);
      x.dispose();
    };
    step(0);
    const before = tf.memory().numTensors;
    for (let i = 1; i <= 100; i++) step(i);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, b, dy]);
  });
});
