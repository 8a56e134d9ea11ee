/**
 * RecorderCallback: the learning rate and loss of every training iteration (fastai's
 * Recorder), plus when it happened. Where the backend keeps tensors in host memory (wasm,
 * cpu) each loss is read in place at once. Elsewhere losses stay on the device until
 * `every` of them are buffered (or `everyMs` passed, or the pass's last batch): then one
 * stacked readback brings them all — a GPU never stalls on a per-step read. Callbacks that
 * act on losses (TerminateOnNaN, Telemetry) read `losses` as it fills, after this callback.
 */
import * as tf from '@tensorflow/tfjs';
import { Callback } from '../loop/callback';
import { hostValues } from '../kernels/host-memory';
import { retain } from '../kernels/retain';
import { stateNumber, stateObject, type Resumable } from '../loop/resumable';

export interface RecorderOptions {
  /** Read losses back every this many iterations (default 32). */
  every?: number;
  /** …or when this many ms passed since the last read (default 250). */
  everyMs?: number;
  /** Read each loss in place where the backend keeps it in host memory (default true); false: always the buffered readback. */
  inPlace?: boolean;
  now?: () => number;
}

export class RecorderCallback extends Callback implements Resumable {
  /** Per recorded iteration: lr used, loss (filled as read back), iteration count, fractional epoch, ms since begin_fit. */
  readonly lrs: number[] = [];
  readonly losses: number[] = [];
  readonly iters: number[] = [];
  readonly epochs: number[] = [];
  readonly times: number[] = [];
  private pending: tf.Tensor[] = [];
  private readonly every: number;
  private readonly everyMs: number;
  private readonly inPlace: boolean;
  private readonly now: () => number;
  private t0 = 0;
  private lastRead = 0;

  constructor(opts: RecorderOptions = {}) {
    super();
    this.every = opts.every ?? 32;
    this.everyMs = opts.everyMs ?? 250;
    this.inPlace = opts.inPlace ?? true;
    this.now = opts.now ?? (() => performance.now());
  }

  /** Milliseconds since begin_fit, on this callback's clock. */
  elapsed(): number {
    return this.now() - this.t0;
  }

  /** A resumed fit's times go on from the checkpoint's: its lists hold only the new iterations. */
  state(): { elapsed_ms: number } {
    return { elapsed_ms: this.elapsed() };
  }

  loadState(state: unknown): void {
    this.t0 = this.now() - stateNumber('RecorderCallback', stateObject('RecorderCallback', state), 'elapsed_ms');
  }

  override async begin_fit(): Promise<void> {
    for (const a of [this.lrs, this.losses, this.iters, this.epochs, this.times]) a.length = 0;
    this.t0 = this.lastRead = this.now();
  }

  override async after_batch(): Promise<void> {
    const r = this.runner;
    if (!r.inTrain || r.loss === null) return;
    this.lrs.push(r.learner.opt.hypers.lr!);
    this.iters.push(r.nIter);
    this.epochs.push(r.nEpochs);
    this.times.push(this.elapsed());
    // In host memory, and nothing read back is waiting ahead of it: read it now.
    const inPlace = this.inPlace && this.pending.length === 0 ? hostValues(r.loss) : null;
    if (inPlace) {
      this.losses.push(inPlace[0]!);
      return;
    }
    this.pending.push(retain(r.loss));
    const due = this.pending.length >= this.every || this.now() - this.lastRead >= this.everyMs;
    if (due || r.iter === r.iters - 1) await this.readLosses();
  }

  override async after_epoch(): Promise<void> {
    await this.readLosses();
  }

  override async after_fit(): Promise<void> {
    await this.readLosses();
  }

  /** Brings every buffered loss back in one read. */
  async readLosses(): Promise<void> {
    if (this.pending.length === 0) return;
    const pending = this.pending;
    this.pending = [];
    this.lastRead = this.now();
    const stacked = tf.stack(pending);
    for (const t of pending) t.dispose();
    try {
      this.losses.push(...(await stacked.data()));
    } finally {
      stacked.dispose();
    }
  }
}
