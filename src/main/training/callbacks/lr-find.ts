/**
 * LRFindCallback: course-v3 05b's LR_Find. Before each training batch it sets the lr on an
 * exponential ramp from minLr to maxLr over maxIter iterations (the first gets minLr, the
 * last maxLr), stops the fit after maxIter steps or as soon as a loss is not finite or
 * exceeds 10× the best so far, skips the validation passes, and puts the model's weights,
 * the optimizer's state and its lr back as they were when the fit began. The Recorder keeps
 * each iteration's lr and loss: what the plot and the suggestions are made of.
 */
import * as tf from '@tensorflow/tfjs';
import { Callback } from '../loop/callback';
import { CancelEpochException, CancelTrainException } from '../loop/cancel';
import type { Model } from '../models/model';
import type { Optimizer, OptimizerState } from '../optim/optimizers';
import { RecorderCallback } from './recorder';

export interface LrFindOptions {
  /** Iterations at most (default 100, 05b's max_iter). */
  maxIter?: number;
  /** The ramp's ends (defaults 1e-7 and 10, fastai's lr_find). */
  minLr?: number;
  maxLr?: number;
}

export const LR_FIND_DEFAULTS = { maxIter: 100, minLr: 1e-7, maxLr: 10 } as const;

/** The lr of 0-based iteration `i` of `n` on the ramp from minLr to maxLr. */
export function lrFindLr(i: number, n: number, minLr: number, maxLr: number): number {
  if (n <= 1) return minLr;
  return minLr * (maxLr / minLr) ** (Math.min(i, n - 1) / (n - 1));
}

interface Saved {
  weights: tf.Tensor[];
  opt: OptimizerState;
  lr: number;
}

export class LRFindCallback extends Callback {
  override readonly needs = [RecorderCallback];
  // The Recorder must see this batch's loss before a stop raised here ends the fit.
  override readonly runAfter = [RecorderCallback];
  readonly maxIter: number;
  readonly minLr: number;
  readonly maxLr: number;
  /** Why the search stopped: 'max-iter', 'diverged', or null while it runs (another callback may stop it too). */
  stoppedBy: 'max-iter' | 'diverged' | null = null;
  bestLoss = Infinity;
  private saved: Saved | null = null;
  private model: Model | null = null;
  private opt: Optimizer | null = null;

  constructor(options: LrFindOptions = {}) {
    super();
    this.maxIter = Math.max(1, Math.floor(options.maxIter ?? LR_FIND_DEFAULTS.maxIter));
    this.minLr = options.minLr ?? LR_FIND_DEFAULTS.minLr;
    this.maxLr = options.maxLr ?? LR_FIND_DEFAULTS.maxLr;
    if (!(this.minLr > 0 && this.maxLr > this.minLr)) {
      throw new Error(`LRFindCallback: needs 0 < minLr < maxLr, got ${this.minLr} and ${this.maxLr}`);
    }
  }

  override async begin_fit(): Promise<void> {
    const { model, opt } = this.runner.learner;
    this.stoppedBy = null;
    this.bestLoss = Infinity;
    this.model = model;
    this.opt = opt;
    const state = opt.state();
    this.saved = {
      weights: model.namedWeights.map((w) => tf.keep(w.variable.clone())),
      opt: { step: state.step, slots: mapSlots(state.slots, (t) => tf.keep(t.clone())) },
      lr: opt.hypers.lr!,
    };
  }

  override async begin_batch(): Promise<void> {
    const r = this.runner;
    if (r.inTrain) r.learner.opt.hypers.lr = lrFindLr(r.nIter, this.maxIter, this.minLr, this.maxLr);
  }

  override async begin_validate(): Promise<void> {
    throw new CancelEpochException('the lr finder does not validate');
  }

  override async after_step(): Promise<void> {
    // Counted here, not from the read-back loss, so a GPU's batched readback cannot overshoot.
    if (this.runner.nIter + 1 >= this.maxIter) this.stop('max-iter');
  }

  override async after_batch(): Promise<void> {
    const r = this.runner;
    if (!r.inTrain || r.loss === null) return;
    r.values.read([r.loss], ([loss]) => {
      const value = loss![0]!;
      if (this.stoppedBy === 'diverged') return;
      if (!Number.isFinite(value) || value > 10 * this.bestLoss) return this.stop('diverged');
      this.bestLoss = Math.min(this.bestLoss, value);
    });
  }

  override async after_fit(): Promise<void> {
    const saved = this.saved;
    if (!saved || !this.model || !this.opt) return;
    this.saved = null;
    this.model.namedWeights.forEach((w, i) => w.variable.assign(saved.weights[i]!));
    this.opt.loadState(saved.opt);
    this.opt.hypers.lr = saved.lr;
    tf.dispose(saved.weights);
    for (const slot of Object.values(saved.opt.slots)) tf.dispose([...slot]);
  }

  private stop(reason: 'max-iter' | 'diverged'): never {
    this.stoppedBy = reason;
    this.runner.stopReason = reason;
    throw new CancelTrainException(reason === 'diverged' ? 'the loss diverged' : `${this.maxIter} iterations done`);
  }
}

function mapSlots(slots: Record<string, readonly tf.Tensor[]>, f: (t: tf.Tensor) => tf.Tensor): Record<string, tf.Tensor[]> {
  return Object.fromEntries(Object.entries(slots).map(([name, ts]) => [name, ts.map(f)]));
}
