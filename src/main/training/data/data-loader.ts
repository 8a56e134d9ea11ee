/**
 * DataLoader: iterates a Dataset in batches of tensors; each new iteration is one epoch.
 *
 * - Shuffled loaders draw a fresh order per epoch from (seed, epoch): epoch k of seed s is
 *   always the same permutation, whatever happened before (a resumed or repeated run agrees).
 * - The last partial batch is kept, so `length` = ceil(n / batchSize).
 * - Each batch is one tensor over one Float32Array (and one Int32Array for labels):
 *   unshuffled batches are zero-copy subarray views of the dataset (tfjs kernels never write
 *   to their inputs); shuffled rows and labels are gathered — on wasm and cpu straight into
 *   the new tensors' own memory (kernels/host-memory.ts; on wasm one copy of the batch, not
 *   two: ~25% faster to build), elsewhere into fresh arrays that tf.tensor takes. Image
 *   sets are gathered from their bytes where the SIMD kernels run (kernels/pixel-gather.ts:
 *   the same floats from a quarter of the memory).
 * The caller owns and disposes xb and yb.
 */
import * as tf from '@tensorflow/tfjs';
import { filledTensor } from '../kernels/host-memory';
import { simdGatherPixels } from '../kernels/pixel-gather';
import { createRng, deriveSeed, permutation } from '../random';
import type { Dataset } from './dataset';

export interface DataLoaderOptions {
  batchSize: number;
  shuffle: boolean;
  /** Seeds the per-epoch order when shuffling (default 0). */
  seed?: number;
}

export interface Batch {
  /** [batch, ...dataset.shape], float32. */
  xb: tf.Tensor;
  /** [batch] int32 class labels. */
  yb: tf.Tensor1D;
}

/** Keeps shuffle streams apart from other streams derived from the same run seed. */
const SHUFFLE_STREAM = 0x5f1e;

export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  /** Batches per epoch, the last partial batch included. */
  readonly length: number;
  readonly shuffle: boolean;
  readonly seed: number;
  private nextEpoch = 0;

  constructor(
    readonly dataset: Dataset,
    opts: DataLoaderOptions,
  ) {
    if (!Number.isInteger(opts.batchSize) || opts.batchSize < 1) {
      throw new RangeError(`DataLoader: batchSize must be a whole number ≥ 1, got ${opts.batchSize}`);
    }
    this.batchSize = opts.batchSize;
    this.shuffle = opts.shuffle;
    this.seed = opts.seed ?? 0;
    this.length = Math.ceil(dataset.length / opts.batchSize);
  }

  /** Epochs started so far (iterations begun); the next iteration uses this epoch's order. */
  get epoch(): number {
    return this.nextEpoch;
  }

  /** The sample order of a 0-based epoch: a pure function of (seed, epoch); null when not shuffling. */
  orderFor(epoch: number): Int32Array | null {
    if (!this.shuffle) return null;
    return permutation(this.dataset.length, createRng(deriveSeed(this.seed, SHUFFLE_STREAM, epoch)));
  }

  /** The next iteration runs 0-based epoch `epoch` (a resumed run's): its order is that epoch's, whatever came before. */
  seek(epoch: number): void {
    if (!Number.isInteger(epoch) || epoch < 0) throw new RangeError(`DataLoader: epoch must be a whole number ≥ 0, got ${epoch}`);
    this.nextEpoch = epoch;
  }

  /** Starts an epoch: the order is fixed now, batches are built lazily as they are taken. */
  [Symbol.iterator](): Iterator<Batch> {
    return this.from(0);
  }

  /** Starts an epoch at batch `first`: the batches before it are skipped, never built (a resumed run's). */
  from(first: number): Iterator<Batch> {
    if (!Number.isInteger(first) || first < 0 || first > this.length) {
      throw new RangeError(`DataLoader: the first batch must be a whole number from 0 to ${this.length}, got ${first}`);
    }
    const order = this.orderFor(this.nextEpoch);
    this.nextEpoch++;
    return this.batches(order, first);
  }

  private *batches(order: Int32Array | null, first: number): Generator<Batch, void, undefined> {
    const { x, y, sampleSize, shape } = this.dataset;
    const n = this.dataset.length;
    for (let start = first * this.batchSize; start < n; start += this.batchSize) {
      const size = Math.min(this.batchSize, n - start);
      const xb =
        order === null
          ? tf.tensor(x.subarray(start * sampleSize, (start + size) * sampleSize), [size, ...shape], 'float32')
          : this.gatherX(order, start, size);
      let yb: tf.Tensor1D;
      try {
        yb = order === null ? tf.tensor1d(y.subarray(start, start + size), 'int32') : this.gatherY(order, start, size);
      } catch (err) {
        xb.dispose();
        throw err;
      }
      yield { xb, yb };
    }
  }

  /** Rows order[start..start+size) as one new tensor, gathered straight into its memory where the backend allows. */
  private gatherX(order: Int32Array, start: number, size: number): tf.Tensor {
    const { x, sampleSize, shape, bytes } = this.dataset;
    const fromBytes = bytes ? simdGatherPixels(bytes, order, start, size, sampleSize, shape) : null;
    if (fromBytes) return fromBytes;
    return filledTensor([size, ...shape], 'float32', (target) => {
      for (let b = 0; b < size; b++) {
        const i = order[start + b]!;
        target.set(x.subarray(i * sampleSize, (i + 1) * sampleSize), b * sampleSize);
      }
    });
  }

  /** Labels order[start..start+size) as one new tensor, the same way. */
  private gatherY(order: Int32Array, start: number, size: number): tf.Tensor1D {
    const { y } = this.dataset;
    return filledTensor([size], 'int32', (target) => {
      for (let b = 0; b < size; b++) target[b] = y[order[start + b]!]!;
    }) as tf.Tensor1D;
  }
}
