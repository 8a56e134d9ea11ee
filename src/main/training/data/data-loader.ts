/**
 * DataLoader: iterates a Dataset in batches of tensors; each new iteration is one epoch.
 *
 * - Shuffled loaders draw a fresh order per epoch from (seed, epoch): epoch k of seed s is
 *   always the same permutation, whatever happened before (a resumed or repeated run agrees).
 * - The last partial batch is kept, so `length` = ceil(n / batchSize).
 * - Each batch is one tf.tensor call over one Float32Array (and one Int32Array for labels):
 *   shuffled rows are gathered into it; unshuffled batches are zero-copy subarray views of
 *   the dataset (tfjs kernels never write to their inputs).
 * - Buffer reuse: the wasm backend copies values into its heap inside tf.tensor, so one
 *   gather buffer serves every batch; cpu (and tfjs-node, webgl) keep a reference to the array
 *   until later, so there each batch gets its own buffer.
 * The caller owns and disposes xb and yb.
 */
import * as tf from '@tensorflow/tfjs';
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

/** Backends whose write() copies the values immediately (checked in their sources, tfjs 4.22). */
const COPYING_BACKENDS: ReadonlySet<string> = new Set(['wasm']);
/** Keeps shuffle streams apart from other streams derived from the same run seed. */
const SHUFFLE_STREAM = 0x5f1e;

export class DataLoader implements Iterable<Batch> {
  readonly batchSize: number;
  /** Batches per epoch, the last partial batch included. */
  readonly length: number;
  readonly shuffle: boolean;
  readonly seed: number;
  private nextEpoch = 0;
  private gatherBuffers: { x: Float32Array; y: Int32Array } | null = null;

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

  /** Starts an epoch: the order is fixed now, batches are built lazily as they are taken. */
  [Symbol.iterator](): Iterator<Batch> {
    const order = this.orderFor(this.nextEpoch);
    this.nextEpoch++;
    return this.batches(order);
  }

  private *batches(order: Int32Array | null): Generator<Batch, void, undefined> {
    const { x, y, sampleSize, shape } = this.dataset;
    const n = this.dataset.length;
    for (let start = 0; start < n; start += this.batchSize) {
      const size = Math.min(this.batchSize, n - start);
      let xs: Float32Array;
      let ys: Int32Array;
      if (order === null) {
        xs = x.subarray(start * sampleSize, (start + size) * sampleSize);
        ys = y.subarray(start, start + size);
      } else {
        ({ xs, ys } = this.gather(order, start, size));
      }
      const xb = tf.tensor(xs, [size, ...shape], 'float32');
      let yb: tf.Tensor1D;
      try {
        yb = tf.tensor1d(ys, 'int32');
      } catch (err) {
        xb.dispose();
        throw err;
      }
      yield { xb, yb };
    }
  }

  /** Copies rows order[start..start+size) into one buffer (reused when the backend copies). */
  private gather(order: Int32Array, start: number, size: number): { xs: Float32Array; ys: Int32Array } {
    const { x, y, sampleSize } = this.dataset;
    let bufX: Float32Array;
    let bufY: Int32Array;
    if (COPYING_BACKENDS.has(tf.getBackend())) {
      this.gatherBuffers ??= {
        x: new Float32Array(this.batchSize * sampleSize),
        y: new Int32Array(this.batchSize),
      };
      bufX = this.gatherBuffers.x.subarray(0, size * sampleSize);
      bufY = this.gatherBuffers.y.subarray(0, size);
    } else {
      bufX = new Float32Array(size * sampleSize);
      bufY = new Int32Array(size);
    }
    for (let b = 0; b < size; b++) {
      const i = order[start + b]!;
      bufX.set(x.subarray(i * sampleSize, (i + 1) * sampleSize), b * sampleSize);
      bufY[b] = y[i]!;
    }
    return { xs: bufX, ys: bufY };
  }
}
