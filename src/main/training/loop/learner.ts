/**
 * Learner: what the Runner trains — model, optimizer, loss function and data (fastai's
 * Learner). It holds no loop of its own.
 */
import type * as tf from '@tensorflow/tfjs';
import type { LossFn } from '../loss';
import type { Model } from '../models/model';
import type { Optimizer } from '../optim/optimizers';

/** One batch as a loader yields it: the Runner owns (and disposes) both tensors. */
export interface Batch {
  xb: tf.Tensor;
  yb: tf.Tensor;
}

/** What the Runner needs of a loader: batches per pass and a fresh pass per iteration. */
export interface Batches extends Iterable<Batch> {
  readonly length: number;
  /** A fresh pass that starts at batch `first` (a resumed fit's first epoch); loaders without it resume only at epoch boundaries. */
  from?(first: number): Iterator<Batch>;
}

/** What the Learner needs of a DataBunch (data/data-bunch.ts fits it). */
export interface LearnerData {
  readonly trainDl: Batches;
  readonly validDl: Batches;
  /** Number of classes. */
  readonly c: number;
}

export class Learner {
  constructor(
    readonly model: Model,
    readonly opt: Optimizer,
    readonly lossFn: LossFn,
    readonly data: LearnerData,
  ) {}
}
