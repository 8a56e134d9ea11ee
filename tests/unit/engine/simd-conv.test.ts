/**
 * The SIMD convolution kernels on wasm (kernels/conv2d-*.ts over kernels.wat): forward
 * and backward equal a float64 reference for the CNN's shapes, ragged and padded shapes,
 * strides 1–3, kernels 1–5 and channel counts that take either input-gradient route; they
 * compute what TensorFlow.js's ops compute; a CNN step runs on them on wasm only, with
 * TensorFlow.js's ops kept where they are switched off and on cpu; nothing leaks.
 */
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { simdConv2dBackward } from '../../../src/main/training/kernels/conv2d-backward';
import { simdConv2dForward } from '../../../src/main/training/kernels/conv2d-forward';
import { setSimdKernels } from '../../../src/main/training/kernels/simd/simd-kernels';
import { lossAndGrads } from '../../../src/main/training/loop/backprop';
import { crossEntropy } from '../../../src/main/training/loss';
import { createCnn } from '../../../src/main/training/models/cnn';
import { conv2dBackward, conv2dForward } from '../../../src/main/training/models/conv2d';
import type { Activation } from '../../../src/main/training/models/layer';
import { convBackwardReference, convForwardReference, outputSize, seeded, type ConvCase } from './conv-reference';

afterEach(() => {
  setSimdKernels(true);
});

afterAll(async () => {
  await initBackend('cpu');
});

/** The largest |got − want| over `scale` (the size of the sums involved). */
function relError(got: tf.Tensor, want: ArrayLike<number>, scale: number): number {
  const g = got.dataSync();
  expect(g.length).toBe(want.length);
  let worst = 0;
  for (let i = 0; i < g.length; i++) worst = Math.max(worst, Math.abs(g[i]! - want[i]!) / scale);
  return worst;
}

interface Operands {
  x: tf.Tensor4D;
  f: tf.Tensor4D;
  b: tf.Tensor1D;
  dy: tf.Tensor4D;
}

function operands(c: ConvCase): Operands {
  const out = outputSize(c);
  return {
    x: tf.tensor4d(seeded(c.images * c.size * c.size * c.channels, 1), [c.images, c.size, c.size, c.channels]),
    f: tf.tensor4d(seeded(c.kernel * c.kernel * c.channels * c.filters, 2), [c.kernel, c.kernel, c.channels, c.filters]),
    b: tf.tensor1d(seeded(c.filters, 3)),
    dy: tf.tensor4d(seeded(c.images * out * out * c.filters, 4), [c.images, out, out, c.filters]),
  };
}

const dispose = (o: Operands): void => tf.dispose([o.x, o.f, o.b, o.dy]);

/** [images, size, channels, kernel, filters, stride]. */
const CASES: readonly ConvCase[] = (
  [
    [64, 28, 1, 3, 8, 2], // the CNN's first layer, its batch
    [64, 14, 8, 3, 16, 2], // the CNN's second layer
    [3, 14, 8, 3, 32, 2], // wider filters
    [2, 7, 16, 3, 12, 1], // stride 1, padding on every side, ragged filters
    [3, 10, 2, 5, 4, 2], // a 5×5 kernel, fewer filters than a tile
    [1, 9, 1, 3, 3, 3], // stride = kernel: no overlap, no padding
    [2, 5, 8, 3, 8, 1], // fewer pixels than a row of tiles
    [1, 1, 1, 1, 1, 1], // a single tap
    [2, 6, 3, 2, 10, 2], // an even kernel: padding after only
    [5, 11, 4, 3, 9, 2], // 4 channels: dx through the products and a scatter
  ] as const
).map(([images, size, channels, kernel, filters, stride]) => ({ images, size, channels, kernel, filters, stride }));

const label = (c: ConvCase): string => `${c.images}×${c.size}²×${c.channels}, ${c.kernel}×${c.kernel} → ${c.filters}, stride ${c.stride}`;

describe('the SIMD convolution kernels', () => {
  it.each(CASES.map((c) => [label(c), c] as const))('forward %s: act(conv(x, f) + b) equals the float64 reference', async (_, c) => {
    await initBackend('wasm');
    const o = operands(c);
    const [x, f, b] = [o.x, o.f, o.b].map((t) => t.dataSync());
    for (const activation of ['linear', 'relu'] as Activation[]) {
      const { y, padded } = simdConv2dForward(o.x, o.f, o.b, c.stride, activation)!;
      expect(padded).toBeNull();
      const out = outputSize(c);
      expect(y.shape).toEqual([c.images, out, out, c.filters]);
      const want = convForwardReference(c, x!, f!, b!, activation === 'relu');
      expect(relError(y, want, Math.sqrt(c.kernel * c.kernel * c.channels))).toBeLessThan(5e-6);
      y.dispose();
    }
    dispose(o);
  });

  it.each(CASES.map((c) => [label(c), c] as const))(
    "backward %s: dW, db and dx with relu's mask equal the float64 reference",
    async (_, c) => {
      await initBackend('wasm');
      const o = operands(c);
      const out = outputSize(c);
      // relu's output: zero where the seeded values are negative, so about half is masked.
      const y = tf.relu(tf.tensor4d(seeded(c.images * out * out * c.filters, 5), o.dy.shape)) as tf.Tensor4D;
      const [x, f, dy, yv] = [o.x, o.f, o.dy, y].map((t) => t.dataSync());
      const pixels = c.images * out * out;
      for (const activation of ['linear', 'relu'] as Activation[]) {
        const want = convBackwardReference(c, x!, f!, dy!, activation === 'relu' ? yv! : null);
        const got = simdConv2dBackward(o.x, y, o.dy, o.f, c.stride, activation, true)!;
        const [dw, db] = got.grads as [tf.Tensor, tf.Tensor];
        expect(dw.shape).toEqual(o.f.shape);
        expect(db.shape).toEqual([c.filters]);
        expect(got.dx!.shape).toEqual(o.x.shape);
        expect(relError(dw, want.dw, Math.sqrt(pixels))).toBeLessThan(5e-6);
        expect(relError(db, want.db, Math.sqrt(pixels))).toBeLessThan(5e-6);
        expect(relError(got.dx!, want.dx, Math.sqrt(c.kernel * c.kernel * c.filters))).toBeLessThan(5e-6);
        const noDx = simdConv2dBackward(o.x, y, o.dy, o.f, c.stride, activation, false)!;
        expect(noDx.dx).toBeNull();
        expect(Array.from(noDx.grads[0]!.dataSync())).toEqual(Array.from(dw.dataSync()));
        // A training forward pass keeps its padded input; the backward pass reading it gives the same bits.
        const kept = simdConv2dForward(o.x, o.f, o.b, c.stride, activation, true)!;
        const fromKept = simdConv2dBackward(o.x, y, o.dy, o.f, c.stride, activation, true, kept.padded)!;
        [...fromKept.grads, fromKept.dx!].forEach((t, i) =>
          expect(Array.from(t.dataSync())).toEqual(Array.from([dw, db, got.dx!][i]!.dataSync())),
        );
        tf.dispose([...got.grads, got.dx!, ...noDx.grads, kept.y, ...(kept.padded ? [kept.padded] : []), ...fromKept.grads, fromKept.dx!]);
      }
      tf.dispose(y);
      dispose(o);
    },
  );

  it('compute what the ops path computes through a conv layer, forward and backward, to float tolerance', async () => {
    await initBackend('wasm');
    const c: ConvCase = { ...CASES[1]!, images: 8 };
    const o = operands(c);
    const run = (): number[][] => {
      const y = conv2dForward(o.x, o.f, o.b, c.stride, 'relu');
      const { dx, grads } = conv2dBackward(o.x, y, o.dy, o.f, c.stride, 'relu', true);
      const values = [y, dx!, ...grads].map((t) => Array.from(t.dataSync()));
      tf.dispose([y, dx!, ...grads]);
      return values;
    };
    const simd = run();
    setSimdKernels(false);
    const ops = run();
    simd.forEach((values, i) =>
      values.forEach((v, j) => expect(Math.abs(v - ops[i]![j]!)).toBeLessThan(1e-4 * (1 + Math.abs(ops[i]![j]!)))),
    );
    dispose(o);
  });

  it('run a CNN step on wasm — one kernel per conv layer and pass — and not on cpu, or when switched off', async () => {
    const kernelsOfStep = async (): Promise<string[]> => {
      const model = createCnn({ classes: 10, seed: 1 });
      const xb = tf.randomNormal([16, 28, 28, 1], 0, 1, 'float32', 1);
      const yb = tf.tensor1d(
        Array.from({ length: 16 }, (_, i) => i % 10),
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
    expect(simd.filter((k) => k === 'RunlabConv2dForward')).toHaveLength(2);
    expect(simd.filter((k) => k === 'RunlabConv2dBackward')).toHaveLength(2);
    expect(simd.filter((k) => k.includes('Conv2D') || k === 'Transpose' || k === 'Sum')).toEqual([]);
    setSimdKernels(false);
    const ops = await kernelsOfStep();
    expect(ops.filter((k) => k.startsWith('RunlabConv'))).toEqual([]);
    expect(ops.filter((k) => k === 'FusedConv2D')).toHaveLength(2);
    setSimdKernels(true);
    await initBackend('cpu');
    expect((await kernelsOfStep()).filter((k) => k.startsWith('RunlabConv'))).toEqual([]);
  });

  it('leave nothing behind: the same tensors and backend buffers after 100 passes (scratch freed, window tables kept out of tfjs)', async () => {
    await initBackend('wasm');
    const c = CASES[3]!;
    const o = operands(c);
    const buffers = (): number => tf.engine().backend.numDataIds();
    const pass = (): void => {
      tf.tidy(() => {
        const { y, padded } = simdConv2dForward(o.x, o.f, o.b, c.stride, 'relu', true)!;
        simdConv2dBackward(o.x, y, o.dy, o.f, c.stride, 'relu', true, padded);
      });
    };
    pass();
    const tensors = tf.memory().numTensors;
    const before = buffers();
    for (let i = 0; i < 100; i++) pass();
    expect(tf.memory().numTensors).toBe(tensors);
    expect(buffers()).toBe(before);
    dispose(o);
  });
});
