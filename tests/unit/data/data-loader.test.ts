import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DataLoader } from '../../../src/main/training/data/data-loader';
import { Dataset } from '../../../src/main/training/data/dataset';

/** n samples of `shape`; every value of sample i is i + j/100 (j = position), label i % 7. */
function indexDataset(n: number, shape: number[] = [3]): Dataset {
  const size = shape.reduce((a, b) => a * b, 1);
  const x = new Float32Array(n * size).map((_, k) => Math.floor(k / size) + (k % size) / 100);
  const y = Int32Array.from({ length: n }, (_, i) => i % 7);
  return new Dataset(x, y, shape);
}

/** Reads one epoch: for each batch, the sample ids (from x), labels, shapes and dtypes. */
function readEpoch(dl: DataLoader) {
  const batches: { ids: number[]; labels: number[]; xShape: number[]; xDtype: string; yDtype: string }[] = [];
  for (const { xb, yb } of dl) {
    const x = xb.dataSync();
    const size = dl.dataset.sampleSize;
    const ids = Array.from({ length: xb.shape[0]! }, (_, b) => Math.round(x[b * size]!));
    batches.push({ ids, labels: Array.from(yb.dataSync()), xShape: xb.shape, xDtype: xb.dtype, yDtype: yb.dtype });
    xb.dispose();
    yb.dispose();
  }
  return batches;
}

const ids = (epoch: ReturnType<typeof readEpoch>) => epoch.flatMap((b) => b.ids);

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

describe('DataLoader', () => {
  it('keeps the last partial batch: 10 samples, batch size 4 → 4, 4, 2', () => {
    const dl = new DataLoader(indexDataset(10), { batchSize: 4, shuffle: false });
    expect(dl.length).toBe(3);
    const epoch = readEpoch(dl);
    expect(epoch.map((b) => b.xShape)).toEqual([
      [4, 3],
      [4, 3],
      [2, 3],
    ]);
    expect(new DataLoader(indexDataset(8), { batchSize: 4, shuffle: true }).length).toBe(2);
    expect(new DataLoader(indexDataset(3), { batchSize: 64, shuffle: true }).length).toBe(1);
  });

  it('yields float32 inputs shaped [batch, ...sample shape] and int32 labels that match their rows', () => {
    const dl = new DataLoader(indexDataset(9, [2, 2, 1]), { batchSize: 4, shuffle: true, seed: 5 });
    for (const batch of readEpoch(dl)) {
      expect(batch.xShape.slice(1)).toEqual([2, 2, 1]);
      expect(batch.xDtype).toBe('float32');
      expect(batch.yDtype).toBe('int32');
      expect(batch.labels).toEqual(batch.ids.map((i) => i % 7));
    }
  });

  it('carries every value of every sample, not just the first', () => {
    const dl = new DataLoader(indexDataset(5, [4]), { batchSize: 2, shuffle: true, seed: 1 });
    for (const { xb, yb } of dl) {
      const rows = xb.arraySync() as number[][];
      for (const row of rows) {
        const id = Math.round(row[0]!);
        expect(row.map((v) => Number(v.toFixed(4)))).toEqual([id, id + 0.01, id + 0.02, id + 0.03]);
      }
      tf.dispose([xb, yb]);
    }
  });

  it('does not shuffle a validation loader: every epoch is 0..n-1 in order', () => {
    const dl = new DataLoader(indexDataset(10), { batchSize: 4, shuffle: false });
    const order = Array.from({ length: 10 }, (_, i) => i);
    expect(ids(readEpoch(dl))).toEqual(order);
    expect(ids(readEpoch(dl))).toEqual(order);
  });

  it('shuffles reproducibly: epoch k of seed s is the same permutation in any loader', () => {
    const a = new DataLoader(indexDataset(50), { batchSize: 8, shuffle: true, seed: 42 });
    const b = new DataLoader(indexDataset(50), { batchSize: 8, shuffle: true, seed: 42 });
    const a0 = ids(readEpoch(a));
    const a1 = ids(readEpoch(a));
    expect(ids(readEpoch(b))).toEqual(a0);
    expect(ids(readEpoch(b))).toEqual(a1);
    expect(Array.from(a.orderFor(1)!)).toEqual(a1); // the order is a function of (seed, epoch) alone
    expect(a.epoch).toBe(2);
  });

  it('reshuffles every epoch, and another seed gives another order', () => {
    const dl = new DataLoader(indexDataset(50), { batchSize: 8, shuffle: true, seed: 42 });
    const e0 = ids(readEpoch(dl));
    const e1 = ids(readEpoch(dl));
    const identity = Array.from({ length: 50 }, (_, i) => i);
    expect(e0).not.toEqual(identity);
    expect(e1).not.toEqual(e0);
    const other = new DataLoader(indexDataset(50), { batchSize: 8, shuffle: true, seed: 43 });
    expect(ids(readEpoch(other))).not.toEqual(e0);
  });

  it('visits every sample exactly once per epoch', () => {
    const dl = new DataLoader(indexDataset(37), { batchSize: 5, shuffle: true, seed: 9 });
    for (let epoch = 0; epoch < 3; epoch++) {
      const seen = ids(readEpoch(dl));
      expect(seen).toHaveLength(37);
      expect([...seen].sort((p, q) => p - q)).toEqual(Array.from({ length: 37 }, (_, i) => i));
    }
  });

  it('leaves earlier batches intact on cpu: each shuffled batch is gathered into its own tensors', () => {
    const dl = new DataLoader(indexDataset(12), { batchSize: 4, shuffle: true, seed: 3 });
    const held = [...dl];
    const seen = held.map(({ xb }) =>
      Array.from(xb.dataSync())
        .filter((_, k) => k % 3 === 0)
        .map(Math.round),
    );
    expect(seen.flat().sort((p, q) => p - q)).toEqual(Array.from({ length: 12 }, (_, i) => i));
    for (const [b, { yb }] of held.entries()) {
      expect(yb.dtype).toBe('int32');
      expect(Array.from(yb.dataSync())).toEqual(seen[b]!.map((sample) => sample % 7));
    }
    tf.dispose(held.flatMap((b) => [b.xb, b.yb]));
  });

  it('leaks no tensors once the caller disposes the batches, even when an epoch is cut short', () => {
    const dl = new DataLoader(indexDataset(20), { batchSize: 3, shuffle: true, seed: 1 });
    const before = tf.memory().numTensors;
    readEpoch(dl);
    for (const { xb, yb } of dl) {
      tf.dispose([xb, yb]);
      break;
    }
    readEpoch(new DataLoader(indexDataset(20), { batchSize: 6, shuffle: false }));
    expect(tf.memory().numTensors).toBe(before);
  });

  it('resumes mid-epoch: seek(k) then from(b) gives epoch k from batch b, as an unbroken loader does', () => {
    const whole = new DataLoader(indexDataset(10), { batchSize: 3, shuffle: true, seed: 9 });
    readEpoch(whole);
    const epoch1 = readEpoch(whole);
    const resumed = new DataLoader(indexDataset(10), { batchSize: 3, shuffle: true, seed: 9 });
    resumed.seek(1);
    const tail: number[][] = [];
    const pass = resumed.from(2);
    for (let next = pass.next(); !next.done; next = pass.next()) {
      tail.push(Array.from(next.value.yb.dataSync()));
      next.value.xb.dispose();
      next.value.yb.dispose();
    }
    expect(tail).toEqual(epoch1.slice(2).map((b) => b.labels));
    // The next pass is epoch 2, as after any epoch 1.
    expect(ids(readEpoch(resumed))).toEqual(ids(readEpoch(whole)));
    expect(() => resumed.from(5)).toThrow(/first batch must be a whole number from 0 to 4, got 5/);
  });

  it('refuses a batch size that is not a whole number ≥ 1', () => {
    expect(() => new DataLoader(indexDataset(4), { batchSize: 0, shuffle: false })).toThrow(/batchSize/);
    expect(() => new DataLoader(indexDataset(4), { batchSize: 2.5, shuffle: false })).toThrow(/batchSize/);
  });
});

describe('Dataset', () => {
  it('checks x against labels × sample size and reshapes without copying', () => {
    const ds = indexDataset(4, [6]);
    const img = ds.withShape([2, 3, 1]);
    expect(img.shape).toEqual([2, 3, 1]);
    expect(img.sampleSize).toBe(6);
    expect(img.x).toBe(ds.x);
    expect(img.length).toBe(4);
    expect(() => ds.withShape([5])).toThrow(/cannot view/);
    expect(() => new Dataset(new Float32Array(5), new Int32Array(2), [3])).toThrow(/x has 5 values/);
  });
});
