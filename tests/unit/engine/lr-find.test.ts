/**
 * LRFindCallback on the real Runner: the exponential schedule (first minLr, last maxLr),
 * the stop after maxIter steps across epochs without validating, the stop when the loss
 * explodes, and the model's weights, batch-norm statistics and optimizer state put back.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { AvgStatsCallback } from '../../../src/main/training/callbacks/avg-stats';
import { LRFindCallback, lrFindLr } from '../../../src/main/training/callbacks/lr-find';
import { RecorderCallback } from '../../../src/main/training/callbacks/recorder';
import { TrainEvalCallback } from '../../../src/main/training/callbacks/train-eval';
import { Callback } from '../../../src/main/training/loop/callback';
import { Learner } from '../../../src/main/training/loop/learner';
import { Runner } from '../../../src/main/training/loop/runner';
import { crossEntropy } from '../../../src/main/training/loss';
import { accuracy } from '../../../src/main/training/metrics';
import { createMlp } from '../../../src/main/training/models/mlp';
import { Momentum } from '../../../src/main/training/optim/optimizers';
import { tinyBunch } from './engine-fixtures';

class PassLog extends Callback {
  readonly events: string[] = [];
  override async begin_validate() {
    this.events.push('begin_validate');
  }
  override async after_pred() {
    if (!this.runner.inTrain) this.events.push('valid batch');
  }
}

async function snapshot(values: readonly tf.Tensor[]): Promise<number[][]> {
  return Promise.all(values.map(async (t) => Array.from(await t.data())));
}

describe('LRFindCallback', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('ramps the lr exponentially from minLr to maxLr over maxIter steps, across epochs, and never validates', async () => {
    // 10 train samples in batches of 3: 4 batches an epoch, so 10 iterations take 3 epochs.
    const data = tinyBunch({ nTrain: 10, batchSize: 3 });
    const model = createMlp({ inputs: 4, hidden: [8], classes: 2, seed: 1 });
    const opt = new Momentum(model.params, { lr: 0.3, momentum: 0.9 });
    const recorder = new RecorderCallback();
    const finder = new LRFindCallback({ maxIter: 10, minLr: 1e-4, maxLr: 1e-2 });
    const log = new PassLog();
    const runner = new Runner([new TrainEvalCallback(), new AvgStatsCallback({ accuracy }), recorder, finder, log]);
    await runner.fit(5, new Learner(model, opt, crossEntropy, data));

    expect(recorder.lrs).toHaveLength(10);
    const expected = Array.from({ length: 10 }, (_, i) => 1e-4 * 100 ** (i / 9));
    recorder.lrs.forEach((lr, i) => expect(lr).toBeCloseTo(expected[i]!, 12));
    expect(recorder.lrs[0]).toBeCloseTo(1e-4, 12);
    expect(recorder.lrs[9]).toBeCloseTo(1e-2, 12);
    expect(recorder.losses).toHaveLength(10);
    expect(runner.nIter).toBe(10);
    expect(finder.stoppedBy).toBe('max-iter');
    expect(runner.stopReason).toBe('max-iter');
    expect(log.events).toEqual([]);
    // The optimizer's lr is what it was before the search.
    expect(opt.hypers.lr).toBe(0.3);
    opt.dispose();
    model.dispose();
  });

  it('stops as soon as a loss exceeds 10× the best so far', async () => {
    const data = tinyBunch({ nTrain: 30, batchSize: 3 });
    const model = createMlp({ inputs: 4, hidden: [8], classes: 2, seed: 1 });
    const opt = new Momentum(model.params, { lr: 0.1, momentum: 0.9 });
    const recorder = new RecorderCallback();
    // An lr up to 1e6 makes the loss explode long before 100 iterations.
    const finder = new LRFindCallback({ maxIter: 100, minLr: 1e-3, maxLr: 1e6 });
    const runner = new Runner([new TrainEvalCallback(), new AvgStatsCallback({ accuracy }), recorder, finder]);
    await runner.fit(100, new Learner(model, opt, crossEntropy, data));

    expect(finder.stoppedBy).toBe('diverged');
    expect(runner.nIter).toBeLessThan(100);
    const losses = recorder.losses;
    const last = losses.at(-1)!;
    const bestBefore = Math.min(...losses.slice(0, -1));
    expect(!Number.isFinite(last) || last > 10 * bestBefore).toBe(true);
    // Every earlier loss stayed within 10× the best before it.
    for (let i = 1; i < losses.length - 1; i++) expect(losses[i]!).toBeLessThanOrEqual(10 * Math.min(...losses.slice(0, i)));
    opt.dispose();
    model.dispose();
  });

  it('puts back the weights, the batch-norm statistics and the optimizer state, with no tensor left over', async () => {
    const data = tinyBunch({ nTrain: 12, batchSize: 4 });
    const model = createMlp({ inputs: 4, hidden: [8], classes: 2, seed: 3, batchNorm: true });
    const opt = new Momentum(model.params, { lr: 0.05, momentum: 0.9 });
    // One ordinary epoch first, so the momentum buffers and the step count are not zero.
    await new Runner([new TrainEvalCallback()]).fit(1, new Learner(model, opt, crossEntropy, data));
    const weightsBefore = await snapshot(model.namedWeights.map((w) => w.variable));
    const bufsBefore = await snapshot(opt.state().slots['buf']!);
    const stepBefore = opt.state().step;
    const tensorsBefore = tf.memory().numTensors;

    const runner = new Runner([new TrainEvalCallback(), new RecorderCallback(), new LRFindCallback({ maxIter: 6, minLr: 1e-2, maxLr: 1 })]);
    await runner.fit(3, new Learner(model, opt, crossEntropy, data));
    expect(runner.nIter).toBe(6);

    expect(await snapshot(model.namedWeights.map((w) => w.variable))).toEqual(weightsBefore);
    expect(await snapshot(opt.state().slots['buf']!)).toEqual(bufsBefore);
    expect(opt.state().step).toBe(stepBefore);
    expect(opt.hypers.lr).toBe(0.05);
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    opt.dispose();
    model.dispose();
  });

  it('computes the ramp and refuses ends that are not 0 < minLr < maxLr', () => {
    expect(lrFindLr(0, 100, 1e-7, 10)).toBeCloseTo(1e-7, 15);
    expect(lrFindLr(99, 100, 1e-7, 10)).toBeCloseTo(10, 9);
    expect(lrFindLr(50, 101, 1e-6, 1e-2)).toBeCloseTo(1e-4, 12);
    expect(() => new LRFindCallback({ minLr: 1, maxLr: 0.1 })).toThrow(/0 < minLr < maxLr/);
    expect(() => new LRFindCallback({ minLr: 0 })).toThrow(/0 < minLr < maxLr/);
  });
});
