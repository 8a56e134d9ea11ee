/**
 * Runner: the training loop of fastai's 04_callbacks notebook, typed. `fit` → epochs →
 * batches, each level wrapped by `withEvents` (begin_…, body, after_cancel_… on its own
 * cancel exception, after_…); everything else — train/eval switching, stats, schedules,
 * stopping, telemetry — is a callback.
 *
 * Tensors: the Runner owns the batch (xb, yb), pred, loss and grads and disposes them after
 * `after_batch`; a callback that wants one later keeps a clone or reads a number.
 *
 * Training computes pred, loss and grads in one call (lossAndGrads: a manual backward pass,
 * or tf.variableGrads for a loss without its own gradient — TF.js has no separate
 * `loss.backward()`), then fires after_pred, after_loss and after_backward in order.
 * Callbacks there see the real tensors; replacing `runner.grads` at after_backward changes
 * the step (e.g. clipping), replacing pred or loss does not change the gradient.
 */
import * as tf from '@tensorflow/tfjs';
import type { RunnerEvent } from '../../../shared/events';
import { RUNNER_EVENTS } from '../../../shared/events';
import type { Callback } from './callback';
import { lossAndGrads } from './backprop';
import { TrainEvalCallback } from '../callbacks/train-eval';
import { CancelBatchException, CancelEpochException, CancelTrainException } from './cancel';
import type { Batches, Learner } from './learner';
import { listify, type Listy } from './listify';

type CancelClass = new (...args: never[]) => Error;

/** Each level's three events: the body's begin, its cancel handler and its end. */
const SCOPES = {
  fit: { begin: 'begin_fit', cancel: 'after_cancel_train', after: 'after_fit', always: true },
  epoch: { begin: 'begin_epoch', cancel: 'after_cancel_epoch', after: 'after_epoch', always: false },
  batch: { begin: 'begin_batch', cancel: 'after_cancel_batch', after: 'after_batch', always: false },
} as const satisfies Record<string, { begin: RunnerEvent; cancel: RunnerEvent; after: RunnerEvent; always: boolean }>;

export interface RunnerOptions {
  /**
   * Give the event loop a turn at least this often (ms; default 125, as tfjs-layers), so an
   * abort, an IPC message or a timer gets through while a run saturates the thread.
   */
  yieldEveryMs?: number;
  /** Clock for the yield policy (default performance.now). */
  now?: () => number;
  /** How to give the event loop a turn (default: a setImmediate). */
  yieldToEventLoop?: () => Promise<void>;
}

const nextMacrotask = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class Runner {
  /** Callbacks in insertion order (they run sorted by `order`). */
  readonly cbs: Callback[] = [];
  /** 0-based epoch being run, and how many `fit` was asked for. */
  epoch = 0;
  epochs = 0;
  /** 0-based index of the batch in the current pass, and batches in that pass. */
  iter = 0;
  iters = 0;
  /** Fractional epochs of training done and training iterations done (TrainEvalCallback). */
  nEpochs = 0;
  nIter = 0;
  inTrain = false;
  xb: tf.Tensor | null = null;
  yb: tf.Tensor | null = null;
  pred: tf.Tensor | null = null;
  loss: tf.Scalar | null = null;
  /** Gradients aligned with `learner.model.params`, from after_backward to after_step. */
  grads: tf.Tensor[] | null = null;
  /** The loader of the current pass (train or valid). */
  dl: Batches | null = null;
  /** Why the run stopped early ('stop-after', 'early-stopping', 'nan', 'user'), else null. */
  stopReason: string | null = null;

  private current: Learner | null = null;
  private sorted: Callback[] = [];
  private hooks = new Map<RunnerEvent, Callback[]>();
  private readonly yieldEveryMs: number;
  private readonly now: () => number;
  private readonly yieldToEventLoop: () => Promise<void>;
  private lastYield = 0;

  constructor(cbs?: Listy<Callback>, cbFuncs?: Listy<() => Callback>, options: RunnerOptions = {}) {
    this.yieldEveryMs = options.yieldEveryMs ?? 125;
    this.now = options.now ?? (() => performance.now());
    this.yieldToEventLoop = options.yieldToEventLoop ?? nextMacrotask;
    const all = [...listify(cbs), ...listify(cbFuncs).map((f) => f())];
    // As in the notebook, train/eval switching is always there.
    if (!all.some((cb) => cb instanceof TrainEvalCallback)) all.unshift(new TrainEvalCallback());
    this.addCbs(all);
  }

  /** The Learner being fitted; only set during `fit`. */
  get learner(): Learner {
    if (this.current === null) throw new Error('Runner.learner is only available during fit()');
    return this.current;
  }

  /** The callback whose `name` is `name` (`runner.cb('avg_stats')`), if any. */
  cb(name: string): Callback | undefined {
    return this.cbs.find((c) => c.name === name);
  }

  addCbs(cbs: Listy<Callback>): void {
    for (const cb of listify(cbs)) {
      cb.runner = this;
      this.cbs.push(cb);
    }
    this.index();
  }

  removeCbs(cbs: Listy<Callback>): void {
    for (const cb of listify(cbs)) {
      const i = this.cbs.indexOf(cb);
      if (i >= 0) this.cbs.splice(i, 1);
    }
    this.index();
  }

  async fit(epochs: number, learner: Learner): Promise<void> {
    this.epochs = epochs;
    this.current = learner;
    this.stopReason = null;
    this.lastYield = this.now();
    this.index();
    try {
      await this.withEvents('fit', CancelTrainException, async () => {
        for (let epoch = 0; epoch < epochs; epoch++) {
          this.epoch = epoch;
          await this.withEvents('epoch', CancelEpochException, () => this.doEpoch());
        }
      });
    } finally {
      this.current = null;
      this.dl = null;
    }
  }

  async allBatches(dl: Batches): Promise<void> {
    this.dl = dl;
    this.iters = dl.length;
    this.iter = 0;
    for (const { xb, yb } of dl) {
      await this.oneBatch(xb, yb);
      this.iter++;
      await this.maybeYield();
    }
  }

  async oneBatch(xb: tf.Tensor, yb: tf.Tensor): Promise<void> {
    this.xb = xb;
    this.yb = yb;
    try {
      await this.withEvents('batch', CancelBatchException, () => (this.inTrain ? this.trainStep() : this.validStep()));
    } finally {
      this.release([xb, yb]);
    }
  }

  /** Calls `event` on every callback that handles it, lowest `order` first. */
  async emit(event: RunnerEvent): Promise<void> {
    const cbs = this.hooks.get(event);
    if (cbs === undefined) return;
    for (const cb of cbs) await cb[event]();
  }

  private async doEpoch(): Promise<void> {
    await this.allBatches(this.learner.data.trainDl);
    await this.emit('begin_validate');
    await this.allBatches(this.learner.data.validDl);
  }

  private async trainStep(): Promise<void> {
    const { model, opt, lossFn } = this.learner;
    const step = lossAndGrads(model, lossFn, this.xb!, this.yb!);
    this.pred = step.pred;
    this.loss = step.loss;
    this.grads = step.grads;
    await this.emit('after_pred');
    await this.emit('after_loss');
    await this.emit('after_backward');
    opt.step(this.grads);
    await this.emit('after_step');
  }

  private async validStep(): Promise<void> {
    const { model, lossFn } = this.learner;
    this.pred = model.predict(this.xb!);
    await this.emit('after_pred');
    this.loss = tf.tidy(() => lossFn(this.pred!, this.yb!));
    await this.emit('after_loss');
  }

  /**
   * begin_…, the body, after_cancel_… when the body throws this level's cancel exception,
   * then after_…. Any other exception skips after_… — except after_fit, which always runs
   * (the notebook's `finally`) so callbacks can flush; the original error still wins.
   */
  private async withEvents(scope: keyof typeof SCOPES, Cancel: CancelClass, body: () => Promise<void>): Promise<void> {
    const { begin, cancel, after, always } = SCOPES[scope];
    try {
      await this.emit(begin);
      await body();
    } catch (err) {
      if (!(err instanceof Cancel)) {
        if (always) await this.emit(after).catch(() => undefined);
        throw err;
      }
      await this.emit(cancel);
    }
    await this.emit(after);
  }

  /** Disposes this batch's tensors, the originals and any a callback swapped in. */
  private release(originals: tf.Tensor[]): void {
    const all = [...originals, this.xb, this.yb, this.pred, this.loss, ...(this.grads ?? [])];
    for (const t of all) t?.dispose();
    this.xb = this.yb = this.pred = this.loss = null;
    this.grads = null;
  }

  private async maybeYield(): Promise<void> {
    if (this.now() - this.lastYield < this.yieldEveryMs) return;
    await this.yieldToEventLoop();
    this.lastYield = this.now();
  }

  /** Sorts by order (stable: ties keep insertion order) and lists who handles each event. */
  private index(): void {
    this.sorted = [...this.cbs].sort((a, b) => a.order - b.order);
    this.hooks = new Map(RUNNER_EVENTS.map((e) => [e, this.sorted.filter((cb) => cb.handles(e))]));
  }
}
