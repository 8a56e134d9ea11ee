/**
 * Runner: the training loop of fastai course-v3's Runner (04_callbacks, with 05b's cancel
 * exceptions), typed. Each level is one `withEvents` scope, shaped as 05b's code:
 *   fit:   try { begin_fit, epochs } catch CancelTrainException → after_cancel_train; finally after_fit
 *   pass:  try { begin_epoch | begin_validate, all batches } catch CancelEpochException → after_cancel_epoch
 *   batch: try { begin_batch, the step } catch CancelBatchException → after_cancel_batch; finally after_batch
 * and each epoch is the train pass, the valid pass, then after_epoch. So `after_batch` and
 * `after_fit` always run, and a CancelEpochException ends only the pass it is thrown in (the
 * epoch still validates). Everything else — train/eval switching, stats, schedules,
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
import { className, type Callback, type CallbackClass } from './callback';
import { lossAndGrads } from './backprop';
import { TrainEvalCallback } from '../callbacks/train-eval';
import { CancelBatchException, CancelEpochException, CancelTrainException } from './cancel';
import type { Batch, Batches, Learner } from './learner';
import { listify, type Listy } from './listify';
import type { CallbackTimeline } from './callback-timeline';
import { sortCallbacks } from './sort-callbacks';
import { StepValues, type StepValuesOptions } from './step-values';

type CancelClass = new (...args: never[]) => Error;

/**
 * Each scope's events and the exception it catches. `after` runs in a `finally` (null:
 * none). 05b fires begin_epoch and begin_validate outside the pass's `try`, so a
 * CancelEpochException there crashes the notebook; here it skips that pass.
 */
const SCOPES = {
  fit: { begin: 'begin_fit', cancel: 'after_cancel_train', after: 'after_fit', Cancel: CancelTrainException },
  train: { begin: 'begin_epoch', cancel: 'after_cancel_epoch', after: null, Cancel: CancelEpochException },
  valid: { begin: 'begin_validate', cancel: 'after_cancel_epoch', after: null, Cancel: CancelEpochException },
  batch: { begin: 'begin_batch', cancel: 'after_cancel_batch', after: 'after_batch', Cancel: CancelBatchException },
} as const satisfies Record<string, { begin: RunnerEvent; cancel: RunnerEvent; after: RunnerEvent | null; Cancel: CancelClass }>;

type Scope = keyof typeof SCOPES;

const CANCELS: readonly CancelClass[] = [CancelBatchException, CancelEpochException, CancelTrainException];
const isCancel = (err: unknown): boolean => CANCELS.some((Cancel) => err instanceof Cancel);

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
  /** Times every hook call and training step (the callback timeline); none by default. */
  timeline?: CallbackTimeline;
  /** How `runner.values` reads tensors: in place where it can, else batched readbacks (step-values.ts). */
  values?: StepValuesOptions;
}

/** Where a fit starts and how it picks up from there (a resumed run's checkpoint). */
export interface FitOptions {
  /** 0-based epoch to start in and its training batches already done (default: the very start). */
  start?: { epoch: number; batch: number };
  /**
   * Runs once, in the starting epoch's train pass after begin_epoch and before its first
   * batch: where a resumed fit puts its callbacks' state back, over what begin_fit and
   * begin_epoch reset.
   */
  restore?: () => Promise<void>;
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
  /** Numbers from this step's tensors for callbacks, with no device sync per step: `values.read([loss], ([l]) => …)`. */
  readonly values: StepValues;

  /** The hook timer, when this Runner was given one. */
  readonly timeline: CallbackTimeline | null;

  private current: Learner | null = null;
  private stepTensors: tf.Tensor[] = [];
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
    this.timeline = options.timeline ?? null;
    this.values = new StepValues(options.values);
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

  /** The callback of class `type` (the first, if several): `runner.get(AvgStatsCallback)`; undefined when there is none. */
  get<T extends Callback>(type: CallbackClass<T>): T | undefined {
    return this.cbs.find((cb): cb is T => cb instanceof type);
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

  async fit(epochs: number, learner: Learner, options: FitOptions = {}): Promise<void> {
    const start = options.start ?? { epoch: 0, batch: 0 };
    if (!(Number.isInteger(start.epoch) && start.epoch >= 0 && start.epoch < epochs && Number.isInteger(start.batch) && start.batch >= 0)) {
      throw new RangeError(`Runner.fit: cannot start at epoch ${start.epoch}, batch ${start.batch} of a ${epochs}-epoch fit`);
    }
    this.epochs = epochs;
    this.current = learner;
    this.stopReason = null;
    this.lastYield = this.now();
    this.index();
    this.checkNeeds();
    try {
      await this.withEvents('fit', async () => {
        for (let epoch = start.epoch; epoch < epochs; epoch++) {
          this.epoch = epoch;
          const resumed = epoch === start.epoch;
          await this.withEvents('train', async () => {
            if (resumed) await options.restore?.();
            await this.allBatches(learner.data.trainDl, resumed ? start.batch : 0);
          });
          await this.withEvents('valid', () => this.allBatches(learner.data.validDl));
          await this.emit('after_epoch');
        }
      });
    } finally {
      this.values.discard();
      this.current = null;
      this.dl = null;
    }
  }

  /** Every batch of `dl` from batch `first` on (a resumed epoch skips those it had done). */
  async allBatches(dl: Batches, first = 0): Promise<void> {
    this.dl = dl;
    this.iters = dl.length;
    this.iter = first;
    if (first > 0 && dl.from === undefined) throw new Error('Runner: this loader cannot start a pass mid-way (it has no from())');
    const batches: Iterable<Batch> = first === 0 ? dl : { [Symbol.iterator]: () => dl.from!(first) };
    for (const { xb, yb } of batches) {
      await this.oneBatch(xb, yb);
      this.iter++;
      if (this.values.batchEnded()) await this.values.flush();
      await this.maybeYield();
    }
    // Every read of the pass is in before begin_validate and after_epoch.
    await this.values.flush();
  }

  async oneBatch(xb: tf.Tensor, yb: tf.Tensor): Promise<void> {
    this.xb = xb;
    this.yb = yb;
    this.timeline?.beginBatch(this.inTrain);
    try {
      await this.withEvents('batch', () => (this.inTrain ? this.trainStep() : this.validStep()));
    } finally {
      this.release([xb, yb]);
      this.timeline?.endBatch(this.nIter);
    }
  }

  /** Calls `event` on every callback that handles it, in callback order (sort-callbacks.ts). */
  async emit(event: RunnerEvent): Promise<void> {
    const cbs = this.hooks.get(event);
    if (cbs === undefined) return;
    const timeline = this.timeline;
    if (timeline === null || !timeline.timing) {
      for (const cb of cbs) await cb[event]();
      return;
    }
    // Chained: one clock read per hook, the end of one being the start of the next.
    let t0 = timeline.now();
    for (const cb of cbs) {
      try {
        await cb[event]();
      } finally {
        const t1 = timeline.now();
        timeline.record(cb, event, t1 - t0);
        t0 = t1;
      }
    }
  }

  private async trainStep(): Promise<void> {
    const { model, opt, lossFn } = this.learner;
    const step = lossAndGrads(model, lossFn, this.xb!, this.yb!);
    // Freed with the batch, however far it gets.
    this.stepTensors = [step.pred, step.loss, ...step.grads];
    // Each value appears at its own event, as in the notebook: no loss yet at after_pred,
    // no gradients before after_backward (a batch cancelled earlier has none to record).
    this.pred = step.pred;
    await this.emit('after_pred');
    this.loss = step.loss;
    await this.emit('after_loss');
    this.grads = step.grads;
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
   * 05b's `try: begin_…; body  except Cancel…: after_cancel_…  finally: after_…`. As in
   * Python, an exception from the `finally` replaces a cancel in flight; a real error in
   * flight is never replaced (it is the one worth reporting), whatever the `finally` throws.
   * Pending step values are flushed before a pass's or the fit's cancel handler and before
   * after_fit, so those handlers see every value read so far.
   */
  private async withEvents(scope: Scope, body: () => Promise<void>): Promise<void> {
    const { begin, cancel, after, Cancel } = SCOPES[scope];
    let failure: { error: unknown } | null = null;
    try {
      await this.emit(begin);
      await body();
    } catch (err) {
      if (err instanceof Cancel) {
        try {
          if (scope !== 'batch') await this.values.flush();
          await this.emit(cancel);
        } catch (thrown) {
          failure = { error: thrown };
        }
      } else {
        failure = { error: err };
      }
    }
    if (after !== null) {
      // The fit's last reads are in before after_fit (Telemetry sends them there).
      if (scope === 'fit') failure = await this.inFinally(failure, () => this.values.flush());
      failure = await this.inFinally(failure, () => this.emit(after));
    }
    if (failure !== null) throw failure.error;
  }

  /** Runs `f` as part of a `finally`: what it throws replaces the failure in flight unless that is a real error. */
  private async inFinally(failure: { error: unknown } | null, f: () => Promise<void>): Promise<{ error: unknown } | null> {
    try {
      await f();
    } catch (thrown) {
      if (failure === null || isCancel(failure.error)) return { error: thrown };
    }
    return failure;
  }

  /** Disposes this batch's tensors: the originals, the step's, and any a callback swapped in. */
  private release(originals: tf.Tensor[]): void {
    const all = [...originals, ...this.stepTensors, this.xb, this.yb, this.pred, this.loss, ...(this.grads ?? [])];
    for (const t of all) t?.dispose();
    this.stepTensors = [];
    this.xb = this.yb = this.pred = this.loss = null;
    this.grads = null;
  }

  private async maybeYield(): Promise<void> {
    if (this.now() - this.lastYield < this.yieldEveryMs) return;
    await this.yieldToEventLoop();
    this.lastYield = this.now();
  }

  /** A callback without the callbacks it reads from is an error before anything runs. */
  private checkNeeds(): void {
    for (const cb of this.cbs) {
      const missing = cb.needs.find((type) => this.get(type) === undefined);
      if (missing === undefined) continue;
      const name = className(missing);
      throw new Error(`${className(cb.constructor)} needs ${/^[AEIOU]/.test(name) ? 'an' : 'a'} ${name} on the same Runner`);
    }
  }

  /** Sorts the callbacks (sort-callbacks.ts) and lists who handles each event. */
  private index(): void {
    this.sorted = sortCallbacks(this.cbs);
    this.hooks = new Map(RUNNER_EVENTS.map((e) => [e, this.sorted.filter((cb) => cb.handles(e))]));
  }
}
