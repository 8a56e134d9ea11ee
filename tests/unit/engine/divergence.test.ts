/**
 * DivergenceCallback: a loss that blows up ends the fit as diverged (scripted losses on a
 * tiny learner, then the real lr 10 and lr 2 jobs that used to end `completed` at chance),
 * a spike in a healthy run does not, and a run that never learns is flagged.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../../src/shared/hyperparams';
import { initBackend } from '../../../src/main/training/backend';
import { AvgStatsCallback } from '../../../src/main/training/callbacks/avg-stats';
import { DivergenceCallback, lowerLearningRate } from '../../../src/main/training/callbacks/divergence';
import { RecorderCallback } from '../../../src/main/training/callbacks/recorder';
import { runJob } from '../../../src/main/training/job';
import { Callback } from '../../../src/main/training/loop/callback';
import { Learner } from '../../../src/main/training/loop/learner';
import { crossEntropy, type LossFn } from '../../../src/main/training/loss';
import { accuracy } from '../../../src/main/training/metrics';
import { EventLogCallback, fitAndDispose, tinyBunch, tinyLearner } from './engine-fixtures';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'runlab-divergence-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A learner whose training loss at iteration i (1-based) is script[i - 1]; validation is the real loss. */
function scripted(script: number[]): { learner: Learner; clock: Callback } {
  let iter = 0;
  class IterClock extends Callback {
    override order = -20;
    override async begin_batch() {
      iter = this.runner.inTrain ? this.runner.nIter + 1 : 0;
    }
  }
  const loss: LossFn = (pred, yb) =>
    tf.tidy(() => {
      const real = crossEntropy(pred, yb);
      return (iter === 0 ? real : real.mul(0).add(script[iter - 1] ?? script.at(-1)!)) as tf.Scalar;
    });
  const base = tinyLearner(tinyBunch({ nTrain: 20, batchSize: 1 }));
  return { learner: new Learner(base.model, base.opt, loss, base.data), clock: new IterClock() };
}

describe('DivergenceCallback (cpu, scripted losses)', () => {
  beforeAll(async () => {
    await initBackend('cpu');
  });

  it('stops at the batch where the smoothed loss passes 4× its best and the untrained loss', async () => {
    // The lr 10 run's first losses: 2.34, 93, 4089, 579987 (then it would fall back to 2.3).
    const { learner, clock } = scripted([2.34, 93, 4089, 579_987, 2.3, 2.3]);
    const divergence = new DivergenceCallback();
    const log = new EventLogCallback(50);
    const runner = await fitAndDispose(3, learner, [clock, new RecorderCallback(), divergence, log]);
    expect(runner.stopReason).toBe('diverged');
    expect(runner.nIter).toBe(2);
    expect(divergence.detail).toBe('the smoothed loss reached 48.1 at iteration 2, over 4× its best (2.34)');
    expect(log.events.slice(-2)).toEqual(['after_cancel_train', 'after_fit']);
    expect(divergence.warning).toBeNull();
  });

  it('lets a healthy run spike: a late loss 15× the best is not worse than untrained', async () => {
    const script = [2.3, 1.8, 1.2, 0.8, 0.5, 0.3, 0.2, 0.12, 0.1, 0.1, 1.5, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1];
    const { learner, clock } = scripted(script);
    const divergence = new DivergenceCallback();
    const runner = await fitAndDispose(1, learner, [clock, new RecorderCallback(), divergence]);
    expect(runner.stopReason).toBeNull();
    expect(runner.nIter).toBe(20);
    expect(divergence.detail).toBeNull();
    expect(divergence.first).toBeCloseTo(2.3, 6);
  });

  it('flags a fit whose best valid accuracy stays at chance, and not one that learned', async () => {
    // lr 0: the tiny model never changes. Chance is 50% for its 2 classes; the margins put the bar above
    // and below any accuracy it can reach, so the test says what is flagged, not how lucky the init was.
    const flagged = new DivergenceCallback({ chanceMargin: 0.6 });
    await fitAndDispose(2, tinyLearner(tinyBunch(), { lr: 0 }), [new AvgStatsCallback({ accuracy }), new RecorderCallback(), flagged]);
    expect(flagged.warning).toMatch(
      /^valid accuracy never rose above \d+\.\d%, chance level for 2 classes \(50\.0%\): the model did not learn/,
    );
    const learned = new DivergenceCallback({ chanceMargin: -0.6 });
    await fitAndDispose(2, tinyLearner(tinyBunch(), { lr: 0 }), [new AvgStatsCallback({ accuracy }), new RecorderCallback(), learned]);
    expect(learned.warning).toBeNull();
  });

  it('keeps its average and the untrained loss across a checkpoint (a resumed fit still compares with the start)', async () => {
    const { learner, clock } = scripted([2.3, 2.0, 1.5, 1.0]);
    const before = new DivergenceCallback();
    await fitAndDispose(1, learner, [clock, new RecorderCallback(), before]);
    const saved = JSON.parse(JSON.stringify(before.state())) as unknown;
    const after = new DivergenceCallback();
    after.loadState(saved);
    expect(after.state()).toEqual(before.state());
    expect(after.first).toBeCloseTo(2.3, 6);
    expect(() => after.loadState({ average: 'x' })).toThrow('DivergenceCallback: saved state.average must be a finite number');
  });

  it('suggests a tenth of the learning rate, in two significant digits', () => {
    expect([10, 2, 0.5, 0.003, 0.37].map(lowerLearningRate)).toEqual([1, 0.2, 0.05, 0.0003, 0.037]);
  });
});

describe('runJob on mnist-sample (wasm): the runs that used to end "completed" at chance', () => {
  beforeAll(async () => {
    await initBackend('wasm');
  });
  const job = (over: Partial<Hyperparams>) =>
    runJob({ ...DEFAULT_HYPERPARAMS, epochs: 2, backend: 'wasm', ...over }, { data: { cacheDir: join(dir, 'cache') } });

  it('lr 10 fails as diverged within its first iterations, suggesting lr 1', async () => {
    const result = await job({ lr: 10 });
    expect(result.status).toBe('failed');
    expect(result.summary.stopped_by).toBe('diverged');
    expect(result.summary.iterations).toBeLessThan(10);
    expect(result.error).toMatch(
      /^Training diverged \(the smoothed loss reached .+ at iteration \d, over 4× its best \(2\.\d+\)\); try a lower learning rate, e\.g\. 1 instead of 10$/,
    );
  });

  it('lr 2 (loss 2.3 → 365 → back to chance) fails as diverged too, suggesting lr 0.2', async () => {
    const result = await job({ lr: 2 });
    expect(result.status).toBe('failed');
    expect(result.error).toContain('e.g. 0.2 instead of 2');
  });

  it('a run that barely moves (lr 1e-7) completes with a "did not learn" warning; the default run has none', async () => {
    const stuck = await job({ lr: 1e-7, epochs: 1 });
    expect(stuck.status).toBe('completed');
    expect(stuck.summary.warning).toMatch(/chance level for 10 classes \(10\.0%\)/);
    const healthy = await job({ epochs: 1 });
    expect(healthy.status).toBe('completed');
    expect(healthy.summary.best_valid_accuracy).toBeGreaterThan(0.8);
    expect(healthy.summary.warning).toBeUndefined();
  });
});
