/**
 * RecorderCallback: the learning rate and loss of every training iteration (fastai's
 * Recorder), plus when it happened. Losses come through the Runner's step values: at once
 * where tensors live in host memory (wasm, cpu), in batched readbacks on a GPU — so
 * `losses` can trail the other lists by up to a readback (the Runner flushes at each pass's
 * end and before after_fit).
 */
import { Callback } from '../loop/callback';
import { stateNumber, stateObject, type Resumable } from '../loop/resumable';

export interface RecorderOptions {
  now?: () => number;
}

export class RecorderCallback extends Callback implements Resumable {
  /** Per recorded iteration: lr used, loss (filled as read back), iteration count, fractional epoch, ms since begin_fit. */
  readonly lrs: number[] = [];
  readonly losses: number[] = [];
  readonly iters: number[] = [];
  readonly epochs: number[] = [];
  readonly times: number[] = [];
  private readonly now: () => number;
  private t0 = 0;

  constructor(opts: RecorderOptions = {}) {
    super();
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
    this.t0 = this.now();
  }

  override async after_batch(): Promise<void> {
    const r = this.runner;
    if (!r.inTrain || r.loss === null) return;
    this.lrs.push(r.learner.opt.hypers.lr!);
    this.iters.push(r.nIter);
    this.epochs.push(r.nEpochs);
    this.times.push(this.elapsed());
    r.values.read([r.loss], ([loss]) => this.losses.push(loss![0]!));
  }
}
