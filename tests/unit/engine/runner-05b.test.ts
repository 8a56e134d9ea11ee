/**
 * The Runner against the course's own Runner (course-v3, nbs/dl2/exp/nb_05b.py), event by
 * event, on fit(2) with 3 train batches (3 + 3 + 1 samples) and 2 valid batches (2 + 2).
 * The expected sequences are written out by hand from the notebook's code:
 *
 *     def one_batch(self, xb, yb):
 *         try:
 *             self.xb,self.yb = xb,yb
 *             self('begin_batch')
 *             self.pred = self.model(self.xb)
 *             self('after_pred')
 *             self.loss = self.loss_func(self.pred, self.yb)
 *             self('after_loss')
 *             if not self.in_train: return
 *             self.loss.backward()
 *             self('after_backward')
 *             self.opt.step()
 *             self('after_step')
 *             self.opt.zero_grad()
 *         except CancelBatchException: self('after_cancel_batch')
 *         finally: self('after_batch')
 *
 *     def all_batches(self, dl):
 *         self.iters = len(dl)
 *         try:
 *             for xb,yb in dl: self.one_batch(xb, yb)
 *         except CancelEpochException: self('after_cancel_epoch')
 *
 *     def fit(self, epochs, learn):
 *         ...
 *         try:
 *             for cb in self.cbs: cb.set_runner(self)
 *             self('begin_fit')
 *             for epoch in range(epochs):
 *                 self.epoch = epoch
 *                 if not self('begin_epoch'): self.all_batches(self.data.train_dl)
 *                 with torch.no_grad():
 *                     if not self('begin_validate'): self.all_batches(self.data.valid_dl)
 *                 self('after_epoch')
 *         except CancelTrainException: self('after_cancel_train')
 *         finally:
 *             self('after_fit')
 *             self.learn = None
 *
 * and TrainEvalCallback counts `n_iter += 1; n_epochs += 1./iters` at every training
 * after_batch. A callback that raises stops the later callbacks of that event (05b's
 * `__call__` loops over them in order), so the thrower here runs after the event log.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { AvgStatsCallback } from '../../../src/main/training/callbacks/avg-stats';
import { EarlyStoppingCallback } from '../../../src/main/training/callbacks/early-stopping';
import { RecorderCallback } from '../../../src/main/training/callbacks/recorder';
import { CancelBatchException, CancelEpochException, CancelTrainException } from '../../../src/main/training/loop/cancel';
import type { Runner } from '../../../src/main/training/loop/runner';
import { accuracy } from '../../../src/main/training/metrics';
import type { RunnerEvent } from '../../../src/shared/events';
import { EventLogCallback, fitAndDispose, ThrowAtCallback, tinyBunch, tinyLearner } from './engine-fixtures';

beforeAll(async () => {
  await initBackend('cpu');
});

const T = ['begin_batch', 'after_pred', 'after_loss', 'after_backward', 'after_step', 'after_batch'];
const V = ['begin_batch', 'after_pred', 'after_loss', 'after_batch'];
const EPOCH = ['begin_epoch', ...T, ...T, ...T, 'begin_validate', ...V, ...V, 'after_epoch'];

/** 7 train samples in batches of 3, 3, 1; 4 valid samples in batches of 2, 2. */
const bunch = () => tinyBunch({ nTrain: 7, nValid: 4, batchSize: 3, validBatchSize: 2 });

interface Fitted {
  events: string[];
  runner: Runner;
  recorder: RecorderCallback;
  stats: AvgStatsCallback;
}

/** fit(2) with an event log (order 0), a Recorder, AvgStats and `thrower` (order 10: after the log). */
async function fit2(thrower?: ThrowAtCallback, extra: EarlyStoppingCallback[] = []): Promise<Fitted> {
  const log = new EventLogCallback();
  const recorder = new RecorderCallback();
  const stats = new AvgStatsCallback({ accuracy });
  const cbs = [log, recorder, stats, ...extra, ...(thrower ? [thrower] : [])];
  const runner = await fitAndDispose(2, tinyLearner(bunch()), cbs);
  return { events: log.events, runner, recorder, stats };
}

const throwAt = (event: RunnerEvent, when: (r: Runner) => boolean, make: () => Error) => new ThrowAtCallback(event, when, make);

/** [train samples, valid samples] that AvgStats averaged over, per finished epoch. */
const counts = (stats: AvgStatsCallback) => stats.history.map((h) => [h.train?.count ?? 0, h.valid?.count ?? 0]);

describe('the nb_05b Runner, event by event: fit(2), 3 train and 2 valid batches', () => {
  it('no cancel: begin_fit, 2 × (begin_epoch, 3 train batches, begin_validate, 2 valid batches, after_epoch), after_fit', async () => {
    const { events, runner, recorder, stats } = await fit2();
    expect(events).toEqual(['begin_fit', ...EPOCH, ...EPOCH, 'after_fit']);
    expect(runner.nIter).toBe(6);
    expect(runner.nEpochs).toBeCloseTo(2, 10);
    expect(recorder.losses).toHaveLength(6);
    expect(recorder.iters).toEqual([1, 2, 3, 4, 5, 6]);
    expect(counts(stats)).toEqual([
      [7, 4],
      [7, 4],
    ]);
  });

  it('CancelTrainException after the 2nd step: that batch still ends with after_batch, then after_cancel_train, after_fit', async () => {
    // Raised at the 2nd step's after_step: not caught by one_batch (finally: after_batch), nor
    // by all_batches, but by fit (after_cancel_train, finally: after_fit).
    const { events, runner, recorder, stats } = await fit2(
      throwAt(
        'after_step',
        (r) => r.nIter === 1,
        () => new CancelTrainException(),
      ),
    );
    expect(events).toEqual(['begin_fit', 'begin_epoch', ...T, ...T, 'after_cancel_train', 'after_fit']);
    // 2 steps taken, 2 counted, 2 losses recorded.
    expect(runner.nIter).toBe(2);
    expect(runner.nEpochs).toBeCloseTo(2 / 3, 10);
    expect(recorder.losses).toHaveLength(2);
    expect(recorder.losses.every(Number.isFinite)).toBe(true);
    // The cut epoch never reached after_epoch: nothing to average.
    expect(stats.history).toEqual([]);
  });

  it('CancelEpochException after the 2nd train batch of each epoch: after_cancel_epoch ends the train pass, and the epoch still validates', async () => {
    // Raised in the 2nd train batch's after_batch (one_batch's finally), caught by
    // all_batches (after_cancel_epoch); fit goes on to begin_validate and the valid pass.
    const { events, runner, recorder, stats } = await fit2(
      throwAt(
        'after_batch',
        (r) => r.inTrain && r.iter === 1,
        () => new CancelEpochException(),
      ),
    );
    const epoch = ['begin_epoch', ...T, ...T, 'after_cancel_epoch', 'begin_validate', ...V, ...V, 'after_epoch'];
    expect(events).toEqual(['begin_fit', ...epoch, ...epoch, 'after_fit']);
    expect(runner.nIter).toBe(4);
    // begin_epoch resets n_epochs to the epoch: 1 + 2/3 after the second.
    expect(runner.nEpochs).toBeCloseTo(1 + 2 / 3, 10);
    expect(recorder.iters).toEqual([1, 2, 3, 4]);
    // Two train batches of 3 per epoch, and a full validation each time.
    expect(counts(stats)).toEqual([
      [6, 4],
      [6, 4],
    ]);
    expect(stats.history.every((h) => Number.isFinite(h.valid!.loss))).toBe(true);
  });

  it('CancelEpochException inside a training step (after_step of the 2nd batch): that batch still ends with after_batch', async () => {
    const { events, runner, recorder } = await fit2(
      throwAt(
        'after_step',
        (r) => r.iter === 1,
        () => new CancelEpochException(),
      ),
    );
    const epoch = ['begin_epoch', ...T, ...T, 'after_cancel_epoch', 'begin_validate', ...V, ...V, 'after_epoch'];
    expect(events).toEqual(['begin_fit', ...epoch, ...epoch, 'after_fit']);
    expect(runner.nIter).toBe(4);
    expect(recorder.losses).toHaveLength(4);
  });

  it('CancelBatchException at the 2nd batch’s after_pred (train and valid): after_cancel_batch, after_batch, and the pass goes on', async () => {
    const { events, runner, recorder, stats } = await fit2(
      throwAt(
        'after_pred',
        (r) => r.iter === 1,
        () => new CancelBatchException(),
      ),
    );
    const cut = ['begin_batch', 'after_pred', 'after_cancel_batch', 'after_batch'];
    const epoch = ['begin_epoch', ...T, ...cut, ...T, 'begin_validate', ...V, ...cut, 'after_epoch'];
    expect(events).toEqual(['begin_fit', ...epoch, ...epoch, 'after_fit']);
    // TrainEval counts every training after_batch, the cancelled one included (05b).
    expect(runner.nIter).toBe(6);
    expect(runner.nEpochs).toBeCloseTo(2, 10);
    // A batch cancelled before after_loss has no loss: 4 steps, 4 losses, at iterations 1, 3, 4, 6.
    expect(recorder.iters).toEqual([1, 3, 4, 6]);
    expect(recorder.losses).toHaveLength(4);
    // AvgStats averages the batches that reached after_loss: 3 + 1 train, 2 valid samples.
    expect(counts(stats)).toEqual([
      [4, 2],
      [4, 2],
    ]);
  });

  it('a CancelTrainException in begin_fit: after_cancel_train, after_fit', async () => {
    const { events } = await fit2(
      throwAt(
        'begin_fit',
        () => true,
        () => new CancelTrainException(),
      ),
    );
    expect(events).toEqual(['begin_fit', 'after_cancel_train', 'after_fit']);
  });

  it('a real error ends the batch with after_batch and the fit with after_fit (both `finally`), then propagates', async () => {
    const log = new EventLogCallback();
    const boom = throwAt(
      'after_loss',
      (r) => r.inTrain,
      () => new Error('boom'),
    );
    await expect(fitAndDispose(2, tinyLearner(bunch()), [log, boom])).rejects.toThrow('boom');
    expect(log.events).toEqual(['begin_fit', 'begin_epoch', 'begin_batch', 'after_pred', 'after_loss', 'after_batch', 'after_fit']);
  });

  it('an exception from after_batch replaces a cancel in flight, as Python’s finally does', async () => {
    const log = new EventLogCallback();
    const epochCut = throwAt(
      'after_step',
      (r) => r.iter === 1,
      () => new CancelEpochException(),
    );
    const trainCut = throwAt(
      'after_batch',
      (r) => r.inTrain && r.iter === 1,
      () => new CancelTrainException(),
    );
    const runner = await fitAndDispose(2, tinyLearner(bunch()), [log, epochCut, trainCut]);
    expect(log.events).toEqual(['begin_fit', 'begin_epoch', ...T, ...T, 'after_cancel_train', 'after_fit']);
    expect(runner.nIter).toBe(2);
  });
});

describe('beyond nb_05b', () => {
  it('beyond the notebook: a CancelEpochException in begin_epoch skips the train pass (05b crashes: begin_epoch is outside all_batches’ try)', async () => {
    // 05b lets begin_epoch return True to skip the pass (`if not self('begin_epoch')`); its
    // __call__ computes `res = cb(cb_name) and res` from res = False, so that value never gets
    // through. Runlab's hooks return nothing: throwing CancelEpochException is the way.
    const { events, runner, stats } = await fit2(
      throwAt(
        'begin_epoch',
        (r) => r.epoch === 0,
        () => new CancelEpochException(),
      ),
    );
    const skipped = ['begin_epoch', 'after_cancel_epoch', 'begin_validate', ...V, ...V, 'after_epoch'];
    expect(events).toEqual(['begin_fit', ...skipped, ...EPOCH, 'after_fit']);
    expect(runner.nIter).toBe(3);
    expect(counts(stats)).toEqual([
      [0, 4],
      [7, 4],
    ]);
    expect(stats.history[0]!.train).toBeNull();
  });

  it('beyond the notebook: a CancelEpochException in begin_validate skips the valid pass, and after_epoch still runs', async () => {
    const { events, stats } = await fit2(
      throwAt(
        'begin_validate',
        (r) => r.epoch === 1,
        () => new CancelEpochException(),
      ),
    );
    const skipped = ['begin_epoch', ...T, ...T, ...T, 'begin_validate', 'after_cancel_epoch', 'after_epoch'];
    expect(events).toEqual(['begin_fit', ...EPOCH, ...skipped, 'after_fit']);
    expect(counts(stats)).toEqual([
      [7, 4],
      [7, 0],
    ]);
  });

  it('beyond the notebook: a real error in flight wins over a cancel thrown by after_batch (Python would let the cancel swallow it)', async () => {
    const boom = throwAt(
      'after_loss',
      (r) => r.inTrain,
      () => new Error('boom'),
    );
    const cancel = throwAt(
      'after_batch',
      () => true,
      () => new CancelTrainException(),
    );
    await expect(fitAndDispose(1, tinyLearner(bunch()), [boom, cancel])).rejects.toThrow('boom');
  });

  it('EarlyStopping sees every epoch’s validation even when each train pass is cut short', async () => {
    const early = new EarlyStoppingCallback({ patience: 5 });
    const { stats } = await fit2(
      throwAt(
        'after_batch',
        (r) => r.inTrain && r.iter === 0,
        () => new CancelEpochException(),
      ),
      [early],
    );
    const [first, second] = stats.history.map((h) => h.valid!.loss);
    expect(early.best).toBe(Math.min(first!, second!));
    expect(early.wait).toBe(second! < first! ? 0 : 1);
  });
});
