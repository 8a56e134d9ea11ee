/**
 * The SIMD kernels on several threads (kernel-threads.ts) over tfjs-wasm's shared heap
 * (shared-heap.ts): the wasm backend starts with a shared heap and a thread per core; a CNN
 * trains to the same bits on 1 thread as on all of them; a pool with more threads than
 * cores gives the same bits as one call; an error in a kernel reaches the caller and the
 * pool keeps working; bad thread counts are refused; and with the shared heap switched off
 * the engine starts the ordinary build on one thread.
 */
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { KernelThreads, setKernelThreads } from '../../../src/main/training/kernels/simd/kernel-threads';
import { wasmHeap, wasmHeapShared } from '../../../src/main/training/kernels/simd/shared-heap';
import { simdKernelsStatus } from '../../../src/main/training/kernels/simd/simd-kernels';
import { simdModule } from '../../../src/main/training/kernels/simd/simd-module';
import { lossAndGrads } from '../../../src/main/training/loop/backprop';
import { crossEntropy } from '../../../src/main/training/loss';
import { createCnn } from '../../../src/main/training/models/cnn';
import { SGD } from '../../../src/main/training/optim/optimizers';
import { seeded } from './conv-reference';

afterEach(() => {
  setKernelThreads(null);
});

afterAll(async () => {
  await initBackend('cpu');
});

/** Losses of 4 SGD steps of the CNN on seeded batches, and its weights before and after them. */
function trainCnn(): { losses: number[]; initial: number[][]; weights: number[][] } {
  const model = createCnn({ classes: 10, seed: 7 });
  const initial = model.params.map((p) => Array.from(p.dataSync()));
  const opt = new SGD(model.params, { lr: 0.1 });
  const losses: number[] = [];
  for (let step = 0; step < 4; step++) {
    const xb = tf.tensor4d(seeded(64 * 28 * 28, 10 + step), [64, 28, 28, 1]);
    const yb = tf.tensor1d(
      Array.from({ length: 64 }, (_, i) => (i * 7 + step) % 10),
      'int32',
    );
    const { pred, loss, grads } = lossAndGrads(model, crossEntropy, xb, yb);
    opt.step(grads);
    losses.push(loss.dataSync()[0]!);
    tf.dispose([xb, yb, pred, loss, ...grads]);
  }
  const weights = model.params.map((p) => Array.from(p.dataSync()));
  opt.dispose();
  model.dispose();
  return { losses, initial, weights };
}

describe('kernel threads', () => {
  it('the wasm backend gets a shared heap and the kernels a thread per core', async () => {
    const active = await initBackend('wasm');
    expect(wasmHeapShared(tf.backend())).toBe(true);
    const simd = simdKernelsStatus(tf.backend()).simd!;
    expect(simd.threads).toBe(availableParallelism());
    expect(active.device).toContain(`${availableParallelism()} thread`);
    setKernelThreads(1);
    expect(simd.threads).toBe(1);
  });

  it('train a CNN to the same losses and weights, to the bit, on 1 thread and on every core', async () => {
    await initBackend('wasm');
    setKernelThreads(1);
    const one = trainCnn();
    setKernelThreads(null);
    const all = trainCnn();
    expect(all.losses).toEqual(one.losses);
    expect(all.weights).toEqual(one.weights);
    // It trained: every weight tensor moved.
    one.weights.forEach((w, i) => expect(w).not.toEqual(one.initial[i]));
  });

  it('a pool of more threads than cores computes a product in chunks to the same bits as one call, and reports a failing kernel', async () => {
    await initBackend('wasm');
    const memory = wasmHeap(tf.backend())!;
    const compiled = simdModule(true);
    if (typeof compiled === 'string') throw new Error(compiled);
    const pool = new KernelThreads(compiled.module, memory, 4);
    setKernelThreads(4);
    expect(pool.active).toBe(4);
    const simd = simdKernelsStatus(tf.backend()).simd!;
    const [m, k, n] = [200, 96, 40];
    const a = simd.malloc(m * k * 4);
    const b = simd.malloc(k * n * 4);
    const c1 = simd.malloc(m * n * 4);
    const c2 = simd.malloc(m * n * 4);
    new Float32Array(memory.buffer, a, m * k).set(seeded(m * k, 1));
    new Float32Array(memory.buffer, b, k * n).set(seeded(k * n, 2));
    const exports = new WebAssembly.Instance(compiled.module, { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
    exports.gemm_nn!(a, b, 0, c1, m, k, n, 1, 0, 1);
    pool.run('gemm_nn', [a, b, 0, c2, m, k, n, 1], 13);
    const read = (at: number): number[] => Array.from(new Float32Array(memory.buffer, at, m * n));
    expect(read(c2)).toEqual(read(c1));
    // Writing past the end of the heap traps in whichever thread runs that chunk.
    const end = memory.buffer.byteLength - 64;
    expect(() => pool.run('gemm_nn', [a, b, 0, end, m, k, n, 1], 13)).toThrow();
    pool.run('gemm_nn', [a, b, 0, c2, m, k, n, 0], 5);
    exports.gemm_nn!(a, b, 0, c1, m, k, n, 0, 0, 1);
    expect(read(c2)).toEqual(read(c1));
    // The filter gradient in blocks of 20 pixels, its 18 row tiles' sums parked in one scratch
    // shared by 7 parts on 4 threads: the same bits as one unblocked call.
    const [images, hp, c, o, out] = [8, 15, 8, 16, 7];
    const [kh, l, px] = [3, 3 * c, images * out * out];
    const floats = (size: number, seed: number): number => {
      const at = simd.malloc(size * 4);
      new Float32Array(memory.buffer, at, size).set(seeded(size, seed));
      return at;
    };
    const xp = floats(images * hp * hp * c, 3);
    const g = floats(px * o, 4);
    const table = simd.malloc(px * 4);
    exports.conv_rows!(table, images, out, out, hp, hp, c, 2);
    const scratch = simd.malloc(Math.ceil((kh * l) / 4) * Math.ceil(o / 8) * 128);
    const [dw1, dw2] = [simd.malloc(kh * l * o * 4), simd.malloc(kh * l * o * 4)];
    exports.conv_dw!(xp, table, g, dw1, px, kh, l, hp * c * 4, o, 0, 0, 0, 1);
    pool.run('conv_dw', [xp, table, g, dw2, px, kh, l, hp * c * 4, o, scratch, 20], 7);
    const readDw = (at: number): number[] => Array.from(new Float32Array(memory.buffer, at, kh * l * o));
    expect(readDw(dw2)).toEqual(readDw(dw1));
    // A batch of 37 rows gathered from bytes (3 channels, 27 bytes a row) in 5 parts: the
    // same floats as converting each row alone; every row written, none outside the batch.
    const [rows, sample, period] = [37, 27, 12];
    const set = simd.malloc(100 * sample);
    new Uint8Array(memory.buffer, set, 100 * sample).set(Uint8Array.from({ length: 100 * sample }, (_, i) => (i * 53) % 256));
    const pattern = floats(2 * period, 5);
    const picks = simd.malloc(rows * 4);
    new Int32Array(memory.buffer, picks, rows).set(Int32Array.from({ length: rows }, (_, i) => (i * 61) % 100));
    const [x1, x2] = [simd.malloc((rows * sample + 1) * 4), simd.malloc((rows * sample + 1) * 4)];
    new Float32Array(memory.buffer, x2, rows * sample + 1).fill(Number.NaN);
    for (let r = 0; r < rows; r++) {
      const from = set + new Int32Array(memory.buffer, picks, rows)[r]! * sample;
      exports.bytes_to_floats!(from, x1 + r * sample * 4, sample, pattern, period);
    }
    pool.run('gather_bytes_to_floats', [set, picks, rows, sample, x2, pattern, period], 5);
    const gathered = Array.from(new Float32Array(memory.buffer, x2, rows * sample + 1));
    expect(gathered.slice(0, -1)).toEqual(Array.from(new Float32Array(memory.buffer, x1, rows * sample)));
    expect(gathered.at(-1)).toBeNaN();
    pool.close();
    for (const p of [a, b, c1, c2, xp, g, table, scratch, dw1, dw2, set, pattern, picks, x1, x2]) simd.free(p);
  });

  it('refuses a thread count that is not a whole number ≥ 1', () => {
    expect(() => setKernelThreads(0)).toThrow('threads must be a whole number ≥ 1, got 0');
    expect(() => setKernelThreads(1.5)).toThrow('threads must be a whole number ≥ 1, got 1.5');
  });

  it('with RUNLAB_SHARED_HEAP=0 the engine starts the ordinary build: an unshared heap, one thread', () => {
    const script = [
      "import * as tf from '@tensorflow/tfjs';",
      "import { initBackend } from './src/main/training/backend';",
      "import { wasmHeapShared } from './src/main/training/kernels/simd/shared-heap';",
      "const a = await initBackend('wasm');",
      'console.log(JSON.stringify({ device: a.device, shared: wasmHeapShared(tf.backend()) }));',
    ].join('\n');
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, RUNLAB_SHARED_HEAP: '0' },
      encoding: 'utf8',
    });
    const result = JSON.parse(out.trim().split('\n').at(-1)!) as { device: string; shared: boolean };
    expect(result.shared).toBe(false);
    expect(result.device).toMatch(/^wasm \(SIMD(, FMA)?, 1 thread\)$/);
  });
});
