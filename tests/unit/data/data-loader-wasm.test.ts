import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataLoader } from '../../../src/main/training/data/data-loader';
import { Dataset } from '../../../src/main/training/data/dataset';

beforeAll(async () => {
  expect(await tf.setBackend('wasm')).toBe(true);
});

describe('DataLoader on wasm', () => {
  it('gathers each shuffled batch into its own tensors in the wasm heap: every batch held at once keeps its rows and labels', () => {
    const n = 23;
    const size = 5;
    const x = new Float32Array(n * size).map((_, k) => Math.floor(k / size) * 10 + (k % size));
    const ds = new Dataset(
      x,
      Int32Array.from({ length: n }, (_, i) => i),
      [size],
    );
    const dl = new DataLoader(ds, { batchSize: 4, shuffle: true, seed: 8 });
    const before = tf.memory().numTensors;
    const held = [...dl]; // all batches alive at once: a shared buffer would show up as repeated rows
    expect(held).toHaveLength(6);
    const seen: number[] = [];
    for (const { xb, yb } of held) {
      const rows = xb.arraySync() as number[][];
      const labels = Array.from(yb.dataSync());
      expect(yb.dtype).toBe('int32');
      rows.forEach((row, b) => {
        expect(row).toEqual([0, 1, 2, 3, 4].map((j) => labels[b]! * 10 + j));
        seen.push(labels[b]!);
      });
    }
    expect(seen.sort((p, q) => p - q)).toEqual(Array.from({ length: n }, (_, i) => i));
    tf.dispose(held.flatMap((b) => [b.xb, b.yb]));
    expect(tf.memory().numTensors).toBe(before);
  });
});
