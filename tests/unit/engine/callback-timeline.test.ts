/** CallbackTimeline through a real Runner: per callback per event counts, totals, percentiles and shares, sampling, and pauses left out. */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Callback } from '../../../src/main/training/loop/callback';
import { CallbackTimeline } from '../../../src/main/training/loop/callback-timeline';
import { Runner } from '../../../src/main/training/loop/runner';
import type { Timeline } from '../../../src/shared/timeline';
import { disposeLearner, tinyBunch, tinyLearner } from './engine-fixtures';

beforeAll(async () => {
  expect(await tf.setBackend('cpu')).toBe(true);
});

/** A clock the callbacks move: each hook of SlowCallback "takes" `ms` on it. */
class Clock {
  t = 0;
  now = () => this.t;
}

class SlowCallback extends Callback {
  constructor(
    private readonly clock: Clock,
    private readonly ms: number,
  ) {
    super();
  }
  override async after_loss(): Promise<void> {
    this.clock.t += this.ms;
  }
  override async after_epoch(): Promise<void> {
    this.clock.t += 10 * this.ms;
  }
}
class FastCallback extends Callback {
  override async begin_batch(): Promise<void> {}
}

async function fit(timeline: CallbackTimeline, cbs: Callback[], epochs = 2): Promise<Timeline> {
  // 12 train samples in batches of 3 (4 steps), 2 valid samples in one batch.
  const learner = tinyLearner(tinyBunch({ nTrain: 12, batchSize: 3 }));
  try {
    await new Runner(cbs, undefined, { timeline }).fit(epochs, learner);
  } finally {
    disposeLearner(learner);
  }
  return timeline.snapshot();
}

const hook = (t: Timeline, callback: string, event: string) => t.hooks.find((h) => h.callback === callback && h.event === event);

describe('CallbackTimeline', () => {
  it('times each callback at each event it handles, and its share of the training steps', async () => {
    const clock = new Clock();
    const t = await fit(new CallbackTimeline({ now: clock.now, sampleEvery: 1 }), [new SlowCallback(clock, 2), new FastCallback()]);
    // after_loss runs in 8 train and 2 valid batches; after_epoch twice.
    expect(hook(t, 'SlowCallback', 'after_loss')).toMatchObject({ calls: 10, total_ms: 20, p50_ms: 2, p95_ms: 2 });
    expect(hook(t, 'SlowCallback', 'after_epoch')).toMatchObject({ calls: 2, total_ms: 40 });
    expect(hook(t, 'FastCallback', 'begin_batch')).toMatchObject({ calls: 10, total_ms: 0 });
    expect(hook(t, 'TrainEvalCallback', 'after_batch')).toMatchObject({ calls: 10 });
    expect(hook(t, 'FastCallback', 'after_loss')).toBeUndefined();
    // The steps took only SlowCallback's 2 ms each on this clock: all of it callbacks.
    expect(t).toMatchObject({ steps: 8, step_p50_ms: 2, step_total_ms: 16, callbacks_share: 1, iter: 8 });
    expect(hook(t, 'SlowCallback', 'after_loss')!.share).toBeCloseTo(20 / 16, 12);
    // Most expensive first.
    expect(t.hooks[0]).toMatchObject({ callback: 'SlowCallback', event: 'after_epoch' });
  });

  it('samples batches: every 4th batch is timed and stands for the others', async () => {
    const clock = new Clock();
    const t = await fit(new CallbackTimeline({ now: clock.now, sampleEvery: 4 }), [new SlowCallback(clock, 2)]);
    // Batches 0, 4 and 8 of the 10 are timed (two of them training steps), each standing for 4;
    // the percentiles are those of the three timed calls.
    expect(hook(t, 'SlowCallback', 'after_loss')).toMatchObject({ calls: 12, total_ms: 24, p50_ms: 2, p95_ms: 2 });
    // Epoch events are always timed, and every step's own time is measured.
    expect(hook(t, 'SlowCallback', 'after_epoch')).toMatchObject({ calls: 2, total_ms: 40 });
    expect(t.steps).toBe(8);
  });

  it('reports a snapshot at most every everyMs, at the end of a step', async () => {
    const clock = new Clock();
    const snaps: Timeline[] = [];
    await fit(new CallbackTimeline({ now: clock.now, sampleEvery: 1, everyMs: 5, onSnapshot: (s) => snaps.push(s) }), [
      new SlowCallback(clock, 2),
    ]);
    // Steps end at 2, 4, 6, 8 ms, then (validation and the epoch end add 22) at 32, 34, 36, 38:
    // snapshots at 6, 32 and 38 ms, at least 5 ms apart.
    expect(snaps.map((s) => s.iter)).toEqual([3, 5, 8]);
  });

  it('leaves a pause out of the hook and the step it fell in', async () => {
    const clock = new Clock();
    const timeline = new CallbackTimeline({ now: clock.now, sampleEvery: 1 });
    class PauseCallback extends Callback {
      override async after_batch(): Promise<void> {
        if (this.runner.nIter !== 2) return;
        clock.t += 1000;
        timeline.pausedFor(1000);
      }
    }
    const t = await fit(timeline, [new SlowCallback(clock, 1), new PauseCallback()], 1);
    expect(hook(t, 'PauseCallback', 'after_batch')!.total_ms).toBe(0);
    expect(t.step_total_ms).toBe(4);
  });

  it('leaves out a pause in a batch it does not time, so no later hook goes below zero', async () => {
    const clock = new Clock();
    const timeline = new CallbackTimeline({ now: clock.now, sampleEvery: 4 });
    class PauseCallback extends Callback {
      override async after_batch(): Promise<void> {
        // Iteration 2 ends batch 1 of the epoch: not a sampled batch (0 and 4 are).
        if (this.runner.nIter !== 2 || !this.runner.inTrain) return;
        clock.t += 1000;
        timeline.pausedFor(1000);
      }
    }
    const t = await fit(timeline, [new SlowCallback(clock, 1), new PauseCallback()], 2);
    expect(Math.min(...t.hooks.map((h) => h.total_ms))).toBeGreaterThanOrEqual(0);
    expect(t.callbacks_share).toBeGreaterThan(0);
    // Every step's own time is measured: 8 steps of 1 ms each, the pause left out.
    expect(t.step_total_ms).toBe(8);
    expect(hook(t, 'SlowCallback', 'after_epoch')).toMatchObject({ calls: 2, total_ms: 20 });
  });
});
