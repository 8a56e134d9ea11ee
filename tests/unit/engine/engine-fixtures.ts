/** Shared pieces for the engine tests: tiny real DataBunches, a learner, an event log. */
import { RUNNER_EVENTS, type RunnerEvent } from '../../../src/shared/events';
import { Callback } from '../../../src/main/training/loop/callback';
import { DataBunch } from '../../../src/main/training/data/data-bunch';
import { DataLoader } from '../../../src/main/training/data/data-loader';
import { Dataset } from '../../../src/main/training/data/dataset';
import { Learner } from '../../../src/main/training/loop/learner';
import { crossEntropy } from '../../../src/main/training/loss';
import { createMlp } from '../../../src/main/training/models/mlp';
import { SGD, type Optimizer } from '../../../src/main/training/optim/optimizers';
import type { Model } from '../../../src/main/training/models/model';
import { Runner, type RunnerOptions } from '../../../src/main/training/loop/runner';
import { createRng } from '../../../src/main/training/random';

/** n samples of `features` values in [-1, 1], label = whether the first value is positive (2 classes). */
export function toyDataset(n: number, features: number, seed: number, classes = 2): Dataset {
  const rng = createRng(seed);
  const x = new Float32Array(n * features);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < features; j++) x[i * features + j] = 2 * rng() - 1;
    y[i] = classes === 2 ? (x[i * features]! > 0 ? 1 : 0) : Math.floor(rng() * classes);
  }
  return new Dataset(x, y, [features]);
}

export interface TinyOptions {
  nTrain?: number;
  nValid?: number;
  batchSize?: number;
  validBatchSize?: number;
  features?: number;
  shuffle?: boolean;
}

/** Defaults: 5 train samples in batches of 3 + 2, 2 valid samples in one batch. */
export function tinyBunch(opts: TinyOptions = {}): DataBunch {
  const { nTrain = 5, nValid = 2, batchSize = 3, validBatchSize = 4, features = 4, shuffle = false } = opts;
  return new DataBunch(
    new DataLoader(toyDataset(nTrain, features, 1), { batchSize, shuffle, seed: 7 }),
    new DataLoader(toyDataset(nValid, features, 2), { batchSize: validBatchSize, shuffle: false }),
    2,
  );
}

export function tinyLearner(data = tinyBunch(), opts: { lr?: number; seed?: number; opt?: (m: Model) => Optimizer } = {}): Learner {
  const features = data.trainDl.dataset.sampleSize;
  const model = createMlp({ inputs: features, hidden: [3], classes: data.c, seed: opts.seed ?? 0 });
  const opt = opts.opt ? opts.opt(model) : new SGD(model.params, { lr: opts.lr ?? 0.1 });
  return new Learner(model, opt, crossEntropy, data);
}

export function disposeLearner(learner: Learner): void {
  learner.opt.dispose();
  learner.model.dispose();
}

/** Records every event it sees into `events` (optionally shared, with a label); order 0 unless told. */
/** Fits `learner` with a fresh Runner over `cbs`, then disposes the learner's tensors. */
export async function fitAndDispose(epochs: number, learner: Learner, cbs: Callback[], options?: RunnerOptions): Promise<Runner> {
  const runner = new Runner(cbs, undefined, options);
  try {
    await runner.fit(epochs, learner);
  } finally {
    disposeLearner(learner);
  }
  return runner;
}

export class EventLogCallback extends Callback {
  constructor(
    order = 0,
    label?: string,
    readonly events: string[] = [],
  ) {
    super();
    this.order = order;
    for (const event of RUNNER_EVENTS) {
      (this as unknown as Record<RunnerEvent, () => Promise<void>>)[event] = async () => {
        this.events.push(label === undefined ? event : `${label}:${event}`);
      };
    }
  }
}

/** Throws `make()` at `event` whenever `when(runner)` holds; order 10 (after an EventLog) unless told. */
export class ThrowAtCallback extends Callback {
  thrown = 0;

  constructor(event: RunnerEvent, when: (r: Runner) => boolean, make: () => Error, order = 10) {
    super();
    this.order = order;
    (this as unknown as Record<RunnerEvent, () => Promise<void>>)[event] = async () => {
      if (!when(this.runner)) return;
      this.thrown++;
      throw make();
    };
  }
}
