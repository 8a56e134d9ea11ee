/** HookTimerCallback times the other callbacks' hooks on a real Runner (a clock the hooks move). */
import { beforeAll, describe, expect, it } from 'vitest';
import { HookTimerCallback } from '../../../bench/lib/hook-timer';
import { initBackend } from '../../../src/main/training/backend';
import { Callback } from '../../../src/main/training/loop/callback';
import { Runner } from '../../../src/main/training/loop/runner';
import { disposeLearner, tinyLearner } from '../engine/engine-fixtures';

beforeAll(async () => {
  await initBackend('cpu');
});

let clock = 0;

/** Costs 5 "ms" per batch and 50 per epoch end, on the shared clock. */
class SlowCallback extends Callback {
  override async after_batch(): Promise<void> {
    clock += 5;
  }
  override async after_epoch(): Promise<void> {
    clock += 50;
  }
}

describe('HookTimerCallback', () => {
  it('charges each hook its own time and counts training steps (2 epochs of 2 train + 1 valid batches)', async () => {
    const learner = tinyLearner();
    const timer = new HookTimerCallback(() => clock);
    try {
      await new Runner([new SlowCallback(), timer], undefined, { now: () => clock }).fit(2, learner);
    } finally {
      disposeLearner(learner);
    }
    const costs = Object.fromEntries(timer.report().map((c) => [`${c.callback}.${c.event}`, c]));
    expect(costs['slow.after_batch']).toMatchObject({ calls: 6, ms: 30 });
    expect(costs['slow.after_epoch']).toMatchObject({ calls: 2, ms: 100 });
    expect(timer.report()[0]!.event).toBe('after_epoch');
    expect(timer.trainSteps).toBe(4);
    expect(timer.fitMs).toBe(130);
    // The Runner's own TrainEvalCallback is timed too.
    expect(costs['train_eval.after_batch']).toMatchObject({ calls: 6, ms: 0 });
  });
});
