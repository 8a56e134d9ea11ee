/**
 * StepValues: the numbers in a step's tensors, for callbacks, without a device sync per
 * step. Where the backend keeps tensors in host memory (wasm, cpu) a read is a memory read,
 * done at once; elsewhere (a GPU) the tensors are kept and brought back together, in one
 * readback, once `every` batches have reads waiting or `everyMs` passed — and at the end of
 * every pass and before every cancel handler and after_fit, where the Runner flushes. Either
 * way each `use` gets its values in the order the reads were asked for.
 */
import * as tf from '@tensorflow/tfjs';
import { hostValues } from '../kernels/host-memory';
import { retain } from '../kernels/retain';

export interface StepValuesOptions {
  /** Read tensors in place where the backend keeps them in host memory (default true); false: always the batched readback (the GPU path, on any backend). */
  inPlace?: boolean;
  /** Bring kept tensors back once this many batches asked for reads (default 32)… */
  every?: number;
  /** …or this many ms after the last readback (default 250). */
  everyMs?: number;
  now?: () => number;
}

/** Gets the values of the tensors it asked for, each as a flat array (valid only during the call). */
export type UseValues = (values: ArrayLike<number>[]) => void;

interface Pending {
  tensors: tf.Tensor[];
  use: UseValues;
}

export class StepValues {
  private readonly inPlace: boolean;
  private readonly every: number;
  private readonly everyMs: number;
  private readonly now: () => number;
  private pending: Pending[] = [];
  private batches = 0;
  private readInBatch = false;
  private lastFlush = 0;

  constructor(opts: StepValuesOptions = {}) {
    this.inPlace = opts.inPlace ?? true;
    this.every = opts.every ?? 32;
    this.everyMs = opts.everyMs ?? 250;
    this.now = opts.now ?? (() => performance.now());
    this.lastFlush = this.now();
  }

  /** Reads waiting for a readback. */
  get waiting(): number {
    return this.pending.length;
  }

  /**
   * Calls `use` with the values of `tensors`: now where they are in host memory (and no
   * earlier read is waiting), else at the next flush — the tensors are kept until then, so
   * the caller may dispose its own. An error `use` throws reaches the caller, now or at the flush.
   */
  read(tensors: tf.Tensor[], use: UseValues): void {
    this.readInBatch = true;
    if (this.inPlace && this.pending.length === 0) {
      const values = tensors.map((t) => hostValues(t));
      if (values.every((v) => v !== null)) {
        use(values as ArrayLike<number>[]);
        return;
      }
    }
    this.pending.push({ tensors: tensors.map((t) => retain(t)), use });
  }

  /** The Runner's note that a batch ended; true when the kept reads are due for their readback. */
  batchEnded(): boolean {
    if (this.readInBatch && this.pending.length > 0) this.batches++;
    this.readInBatch = false;
    return this.pending.length > 0 && (this.batches >= this.every || this.now() - this.lastFlush >= this.everyMs);
  }

  /**
   * Brings every kept tensor back in one read and hands each `use` its values, in order.
   * Every `use` runs even when one throws; the first error is rethrown after them.
   */
  async flush(): Promise<void> {
    this.lastFlush = this.now();
    this.batches = 0;
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    const all = pending.flatMap((p) => p.tensors);
    const flat = tf.tidy(() => tf.concat(all.map((t) => tf.cast(tf.reshape(t, [-1]), 'float32'))));
    for (const t of all) t.dispose();
    let values: Float32Array;
    try {
      values = (await flat.data()) as Float32Array;
    } finally {
      flat.dispose();
    }
    let at = 0;
    let failure: { error: unknown } | null = null;
    for (const { tensors, use } of pending) {
      const views = tensors.map((t) => values.subarray(at, (at += t.size)));
      try {
        use(views);
      } catch (error) {
        failure ??= { error };
      }
    }
    if (failure !== null) throw failure.error;
  }

  /** Drops the kept reads without calling them (their tensors freed). */
  discard(): void {
    for (const p of this.pending) for (const t of p.tensors) t.dispose();
    this.pending = [];
    this.batches = 0;
  }
}
