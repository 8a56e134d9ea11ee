import { execFileSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataLoader } from '../../../src/main/training/data/data-loader';
import { Dataset } from '../../../src/main/training/data/dataset';
import { channelStats, pixelDataset } from '../../../src/main/training/data/normalize';
import { setResidentPixelLimit } from '../../../src/main/training/kernels/pixel-gather';
import { setSimdKernels } from '../../../src/main/training/kernels/simd/simd-kernels';

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

  it.each([
    { channels: 1, side: 5 },
    { channels: 3, side: 3 },
    { channels: 2, side: 4 },
  ])(
    'gathers image sets from their bytes: the same floats to the bit, without reading the floats ($channels channels, $side × $side)',
    ({ channels, side }) => {
      const n = 41;
      const sample = side * side * channels; // 25, 27 and 32 bytes: ragged and whole vectors
      // Every byte value appears; the channels get different statistics.
      const pixels = Uint8Array.from({ length: n * sample }, (_, k) => (k * 37 + (k % channels) * 91) % 256);
      const labels = Int32Array.from({ length: n }, (_, i) => i);
      const ds = pixelDataset(pixels, labels, [side, side, channels], channelStats(pixels, channels));
      const floats = new Dataset(Float32Array.from(ds.x), labels, ds.shape);
      const batches = (from: Dataset) => {
        const out = [...new DataLoader(from, { batchSize: 8, shuffle: true, seed: 4 })];
        const values = out.map(({ xb }) => Array.from(xb.dataSync()));
        tf.dispose(out.flatMap((b) => [b.xb, b.yb]));
        return values;
      };
      const expected = batches(floats);
      expect(expected).toHaveLength(6);
      expect(expected.flat().some((v) => v !== 0)).toBe(true);
      ds.x.fill(0); // the bytes path never reads x
      const before = tf.memory().numTensors;
      const fromBytes = batches(ds);
      expect(tf.memory().numTensors).toBe(before);
      expect(fromBytes.map((b) => b.map((v) => (Object.is(v, -0) ? 0 : v)))).toEqual(expected);
      expect(fromBytes.flat().every((v, i) => Object.is(v, expected.flat()[i]))).toBe(true);
      // The set now lives in the heap: changing its bytes in JS no longer reaches the batches…
      const kept = Uint8Array.from(ds.bytes!.values);
      ds.bytes!.values.fill(0);
      expect(
        batches(ds)
          .flat()
          .every((v, i) => Object.is(v, expected.flat()[i])),
      ).toBe(true);
      // …while a set over the heap's limit copies each batch's rows from them, to the same bits.
      const limit = setResidentPixelLimit(0);
      try {
        const zeroed = new Dataset(ds.x, labels, ds.shape, { ...ds.bytes!, values: ds.bytes!.values });
        expect(new Set(batches(zeroed).flat())).toEqual(new Set(Array.from(ds.bytes!.offset)));
        ds.bytes!.values.set(kept);
        const copied = batches(new Dataset(ds.x, labels, ds.shape, ds.bytes));
        expect(copied.flat().every((v, i) => Object.is(v, expected.flat()[i]))).toBe(true);
      } finally {
        setResidentPixelLimit(limit);
      }
      // Without the SIMD kernels the loader reads the floats (zeroed here).
      const previous = setSimdKernels(false);
      try {
        expect(
          batches(ds)
            .flat()
            .every((v) => v === 0),
        ).toBe(true);
      } finally {
        setSimdKernels(previous);
      }
    },
  );

  it("frees an image set's copy in the heap once the set is gone: 40 sets of 6 MB in turn leave the heap near one set's size", () => {
    const script = [
      "import * as tf from '@tensorflow/tfjs';",
      "import { initBackend } from './src/main/training/backend';",
      "import { DataLoader } from './src/main/training/data/data-loader';",
      "import { channelStats, pixelDataset } from './src/main/training/data/normalize';",
      "import { wasmHeap } from './src/main/training/kernels/simd/shared-heap';",
      "await initBackend('wasm');",
      'const heap = () => wasmHeap(tf.backend()).buffer.byteLength;',
      'const n = 8000;',
      'const labels = new Int32Array(n);',
      'const oneBatch = (seed) => {',
      '  const pixels = Uint8Array.from({ length: n * 784 }, (_, k) => (k * 31 + seed) % 256);',
      '  const ds = pixelDataset(pixels, labels, [28, 28, 1], channelStats(pixels, 1));',
      '  const { xb, yb } = new DataLoader(ds, { batchSize: 64, shuffle: true, seed }).from(0).next().value;',
      '  const first = xb.dataSync()[0];',
      '  tf.dispose([xb, yb]);',
      '  return first;',
      '};',
      'oneBatch(0);',
      'const start = heap();',
      'for (let i = 1; i <= 40; i++) {',
      '  oneBatch(i);',
      '  globalThis.gc();',
      '  await new Promise((r) => setTimeout(r, 5));',
      '}',
      'console.log(JSON.stringify({ grewMb: (heap() - start) / 2 ** 20 }));',
    ].join('\n');
    // One thread: a kernel worker started from `-e` with --input-type=module would load its CommonJS source as a module.
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, RUNLAB_THREADS: '1' },
      encoding: 'utf8',
    });
    const { grewMb } = JSON.parse(out.trim().split('\n').at(-1)!) as { grewMb: number };
    // Kept, the 40 copies would need 240 MB more; freed, at most a couple of sets' worth.
    expect(grewMb).toBeLessThan(20);
  }, 60_000);
});
