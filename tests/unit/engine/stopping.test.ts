/** The callbacks that end a fit early — StopAfter, EarlyStopping, TerminateOnNaN, Abort — and ParamScheduler. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { schedLin } from '../../../src/main/training/optim/annealers';
import { initBackend } from '../../../src/main/training/backend';
import { Callback } from '../../../src/main/training/loop/callback';
import { AbortCallback } from '../../../src/main/training/callbacks/abort';
import { AvgStatsCallback } from '../../../src/main/training/callbacks/avg-stats';
import { EarlyStoppingCallback } from '../../../src/main/training/callbacks/early-stopping';
import { ParamSchedulerCallback } from '../../../src/main/training/callbacks/param-scheduler';
import { RecorderCallback } from '../../../src/main/training/callbacks/recorder';
import { StopAfterCallback } from '../../../src/main/training/callbacks/stop-after';
import { TerminateOnNaNCallback } from '../../../src/main/training/callbacks/terminate-on-nan';
import { DataBunch } from '../../../src/main/training/data/data-bunch';
import { DataLoader } from '../../../src/main/training/data/data-loader';
import { Learner } from '../../../src/main/training/loop/learner';
import { crossEntropy, type LossFn } from '../../../src/main/training/loss';
import { accuracy } from '../../../src/main/training/metrics';
import { EventLogCallback, fitAndDispose, tinyBunch, tinyLearner, toyDataset } from './engine-fixtures';

beforeAll(async () => {
  await initBackend('cpu');
});

const fit = fitAndDispose;

describe('StopAfterCallback', () => {
  it('stops after exactly n training iterations, mid-epoch (2 batches per epoch, n = 3)', async () => {
    const stats = new AvgStatsCallback({ accuracy });
    const log = new EventLogCallback();
    const runner = await fit(5, tinyLearner(), [stats, log, new StopAfterCallback(3)]);
    expect(runner.nIter).toBe(3);
    expect(runner.stopReason).toBe('stop-after');
    expect(stats.history).toHaveLength(1); // the cut epoch never reaches after_epoch
    expect(log.events.filter((e) => e === 'after_step')).toHaveLength(3);
    // Raised at the 3rd step's after_step, like the notebook's TestCallback: its after_batch still runs.
    expect(log.events.slice(-4)).toEqual(['after_step', 'after_batch', 'after_cancel_train', 'after_fit']);
  });

  it('lets an epoch that ends on the n-th step validate, then stops before the next', async () => {
    const stats = new AvgStatsCallback({ accuracy });
    const runner = await fit(5, tinyLearner(), [stats, new StopAfterCallback(2)]);
    expect(runner.nIter).toBe(2);
    expect(stats.history).toHaveLength(1);
    expect(stats.history[0]!.valid).not.toBeNull();
    expect(runner.stopReason).toBe('stop-after');
  });
});

describe('EarlyStoppingCallback', () => {
  it('stops after `patience` epochs without improvement (lr 0: the loss never moves)', async () => {
    const stats = new AvgStatsCallback({ accuracy });
    const early = new EarlyStoppingCallback({ patience: 2 });
    const runner = await fit(10, tinyLearner(tinyBunch(), { lr: 0 }), [stats, early]);
    // Epoch 1 sets the best, epochs 2 and 3 do not improve → stop before epoch 4.
    expect(stats.history).toHaveLength(3);
    expect(runner.stopReason).toBe('early-stopping');
    expect(early.wait).toBe(2);
    expect(early.best).toBeCloseTo(stats.history[0]!.valid!.loss, 10);
  });

  it('resets its count when the monitored loss improves', async () => {
    // Scripted valid losses per epoch: 5, 4 (better), 4.5, 3 (better), 3.5, 3.75 → stop after epoch 6.
    const script = [5, 4, 4.5, 3, 3.5, 3.75, 3.875, 4];
    let epoch = 0;
    class EpochClock extends Callback {
      override async begin_epoch() {
        epoch = this.runner.epoch;
      }
    }
    const scripted: LossFn = (pred, yb) => tf.tidy(() => tf.add(crossEntropy(pred, yb), 0).mul(0).add(script[epoch]!) as tf.Scalar);
    const learner = tinyLearner();
    const data = learner.data;
    const stats = new AvgStatsCallback({ accuracy });
    const early = new EarlyStoppingCallback({ patience: 2 });
    const runner = await fit(8, new Learner(learner.model, learner.opt, scripted, data), [new EpochClock(), stats, early]);
    expect(stats.history.map((h) => h.valid!.loss)).toEqual([5, 4, 4.5, 3, 3.5, 3.75]);
    expect(runner.stopReason).toBe('early-stopping');
    expect(early.best).toBe(3);
  });
});

describe('TerminateOnNaNCallback', () => {
  it('stops at the readback that brings back a NaN loss (NaN in the 6th batch, losses kept on the device and read every 4)', async () => {
    const train = toyDataset(10, 4, 3);
    train.x[5 * 4] = Number.NaN; // sample 5 = batch 5 with batch size 1
    const data = new DataBunch(
      new DataLoader(train, { batchSize: 1, shuffle: false }),
      new DataLoader(toyDataset(2, 4, 4), { batchSize: 2, shuffle: false }),
      2,
    );
    const recorder = new RecorderCallback();
    const log = new EventLogCallback(50);
    const runner = await fit(3, tinyLearner(data), [recorder, new TerminateOnNaNCallback(), log], {
      values: { every: 4, everyMs: Number.POSITIVE_INFINITY, inPlace: false },
    });
    expect(runner.stopReason).toBe('nan');
    // Read back at iterations 4 and 8; the second read holds the NaN of iteration 6.
    expect(runner.nIter).toBe(8);
    expect(recorder.losses).toHaveLength(8);
    expect(Number.isNaN(recorder.losses[5]!)).toBe(true);
    expect(recorder.losses.slice(0, 5).every(Number.isFinite)).toBe(true);
    expect(log.events.slice(-2)).toEqual(['after_cancel_train', 'after_fit']);
    expect(log.events).not.toContain('after_epoch');
  });

  it('stops at the NaN batch itself where losses are read in place (host memory: cpu here)', async () => {
    const train = toyDataset(10, 4, 3);
    train.x[5 * 4] = Number.NaN;
    const data = new DataBunch(
      new DataLoader(train, { batchSize: 1, shuffle: false }),
      new DataLoader(toyDataset(2, 4, 4), { batchSize: 2, shuffle: false }),
      2,
    );
    const recorder = new RecorderCallback();
    const stop = new TerminateOnNaNCallback();
    // Listed before the Recorder, it still runs after it (runAfter): the NaN loss is recorded.
    const runner = await fit(3, tinyLearner(data), [stop, recorder], { values: { every: 4, everyMs: Number.POSITIVE_INFINITY } });
    expect(runner.stopReason).toBe('nan');
    expect(runner.nIter).toBe(6);
    expect(recorder.losses).toHaveLength(6);
    expect(stop.detail).toBe('loss is NaN at iteration 6');
  });

  it('works without a Recorder, reading the loss itself', async () => {
    const train = toyDataset(10, 4, 3);
    train.x[2 * 4] = Number.NaN;
    const data = new DataBunch(
      new DataLoader(train, { batchSize: 1, shuffle: false }),
      new DataLoader(toyDataset(2, 4, 4), { batchSize: 2, shuffle: false }),
      2,
    );
    const stop = new TerminateOnNaNCallback();
    const runner = await fit(3, tinyLearner(data), [stop]);
    expect(runner.nIter).toBe(3);
    expect(stop.detail).toBe('loss is NaN at iteration 3');
  });
});

describe('AbortCallback', () => {
  it('turns an abort into CancelTrainException before the next epoch, stopReason "user"', async () => {
    const controller = new AbortController();
    class AbortAtSecondStep extends Callback {
      override async after_step() {
        if (this.runner.nIter === 1) controller.abort();
      }
    }
    const log = new EventLogCallback(50);
    const runner = await fit(3, tinyLearner(), [new AbortCallback(controller.signal), new AbortAtSecondStep(), log]);
    expect(runner.stopReason).toBe('user');
    expect(runner.nIter).toBe(2);
    expect(log.events.slice(-2)).toEqual(['after_cancel_train', 'after_fit']);
  });

  it('stops a pass after the step of the batch that runs after the abort, which still ends with after_batch', async () => {
    const controller = new AbortController();
    class AbortAfterFirstBatch extends Callback {
      override async after_batch() {
        if (this.runner.nIter === 1) controller.abort();
      }
    }
    const log = new EventLogCallback(-30); // before Abort (-20): it logs the event Abort throws in
    const recorder = new RecorderCallback();
    const runner = await fit(3, tinyLearner(), [new AbortCallback(controller.signal), new AbortAfterFirstBatch(), recorder, log]);
    expect(runner.nIter).toBe(2);
    expect(recorder.losses).toHaveLength(2);
    expect(log.events.slice(-4)).toEqual(['after_step', 'after_batch', 'after_cancel_train', 'after_fit']);
  });

  it('stops a validation pass after the loss of its next batch', async () => {
    const controller = new AbortController();
    class AbortInValidation extends Callback {
      override async begin_validate() {
        controller.abort();
      }
    }
    const log = new EventLogCallback(-30); // before Abort (-20): it logs the event Abort throws in
    const bunch = tinyBunch({ nValid: 4, validBatchSize: 2 });
    await fit(3, tinyLearner(bunch), [new AbortCallback(controller.signal), new AbortInValidation(), log]);
    expect(log.events.slice(-7)).toEqual([
      'begin_validate',
      'begin_batch',
      'after_pred',
      'after_loss',
      'after_batch',
      'after_cancel_train',
      'after_fit',
    ]);
  });
});

describe('ParamSchedulerCallback', () => {
  it('sets lr before each training batch from nEpochs / epochs', async () => {
    const recorder = new RecorderCallback();
    await fit(2, tinyLearner(), [new ParamSchedulerCallback('lr', schedLin(1, 0)), recorder]);
    // Positions 0, 0.25, 0.5, 0.75 over 2 epochs of 2 batches.
    expect(recorder.lrs).toEqual([1, 0.75, 0.5, 0.25]);
  });

  it('names the hyperparameters the optimizer has when asked for another', async () => {
    await expect(fit(1, tinyLearner(), [new ParamSchedulerCallback('beta9', schedLin(1, 0))])).rejects.toThrow(
      'the optimizer has no hyperparameter "beta9" (it has lr, weightDecay)',
    );
  });
});
