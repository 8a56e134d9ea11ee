/** The Runner's event protocol: fastai 04_callbacks order, counters, callback order, yielding (cancels: runner-05b.test.ts). */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { Callback, type CallbackClass } from '../../../src/main/training/loop/callback';
import { CheckpointCallback } from '../../../src/main/training/callbacks/checkpoint';
import { TrainEvalCallback } from '../../../src/main/training/callbacks/train-eval';
import { Runner } from '../../../src/main/training/loop/runner';
import { disposeLearner, EventLogCallback, fitAndDispose, tinyLearner } from './engine-fixtures';

beforeAll(async () => {
  await initBackend('cpu');
});

const TRAIN_BATCH = ['begin_batch', 'after_pred', 'after_loss', 'after_backward', 'after_step', 'after_batch'];
const VALID_BATCH = ['begin_batch', 'after_pred', 'after_loss', 'after_batch'];
const EPOCH = ['begin_epoch', ...TRAIN_BATCH, ...TRAIN_BATCH, 'begin_validate', ...VALID_BATCH, 'after_epoch'];

const fitWith = (epochs: number, ...cbs: Callback[]): Promise<Runner> => fitAndDispose(epochs, tinyLearner(), cbs);

describe('Runner.fit event order', () => {
  it('fires begin_fit, per epoch 2 train batches (with backward and step) and 1 valid batch (without), after_fit', async () => {
    const log = new EventLogCallback();
    await fitWith(2, log);
    expect(log.events).toEqual(['begin_fit', ...EPOCH, ...EPOCH, 'after_fit']);
  });

  it('tracks fractional epochs, iterations and train/eval mode through TrainEvalCallback', async () => {
    const seen: string[] = [];
    class Probe extends Callback {
      override async after_step() {
        const r = this.runner;
        seen.push(`step e${r.epoch} it${r.iter}/${r.iters} n${r.nIter} ep${r.nEpochs.toFixed(3)} train=${r.inTrain}`);
      }
      override async after_loss() {
        const r = this.runner;
        if (!r.inTrain) seen.push(`valid e${r.epoch} it${r.iter}/${r.iters} train=${r.inTrain} loss=${r.loss?.rank}`);
      }
    }
    const runner = await fitWith(2, new Probe());
    expect(seen).toEqual([
      'step e0 it0/2 n0 ep0.000 train=true',
      'step e0 it1/2 n1 ep0.500 train=true',
      'valid e0 it0/1 train=false loss=0',
      'step e1 it0/2 n2 ep1.000 train=true',
      'step e1 it1/2 n3 ep1.500 train=true',
      'valid e1 it0/1 train=false loss=0',
    ]);
    expect(runner.nIter).toBe(4);
    expect(runner.nEpochs).toBeCloseTo(2, 10);
    expect(runner.stopReason).toBeNull();
  });

  it('adds a TrainEvalCallback when none is given, and not a second one', () => {
    expect(new Runner().cbs.map((c) => c.name)).toEqual(['train_eval']);
    const own = new TrainEvalCallback();
    expect(new Runner([own]).cbs).toEqual([own]);
  });
});

describe('callback order', () => {
  it('runs callbacks by ascending order, ties in insertion order, for every event', async () => {
    const shared: string[] = [];
    const log = (order: number, label: string) => new EventLogCallback(order, label, shared);
    await fitWith(1, log(5, 'c'), log(-1, 'a'), log(5, 'd'), log(0, 'b'));
    const order = ['a', 'b', 'c', 'd'];
    expect(shared.filter((e) => e.endsWith(':begin_fit'))).toEqual(order.map((l) => `${l}:begin_fit`));
    expect(shared.filter((e) => e.endsWith(':after_step'))).toEqual([...order, ...order].map((l) => `${l}:after_step`));
    expect(shared.filter((e) => e.endsWith(':after_fit'))).toEqual(order.map((l) => `${l}:after_fit`));
  });

  it('runs a callback after its runAfter classes and before its runBefore classes, whatever the orders', async () => {
    const shared: string[] = [];
    class FirstCallback extends EventLogCallback {}
    class LastCallback extends EventLogCallback {}
    class MiddleCallback extends EventLogCallback {
      override readonly runAfter = [FirstCallback];
      override readonly runBefore = [LastCallback];
    }
    // By order alone: last (-5), middle (0), first (5).
    await fitWith(1, new FirstCallback(5, 'first', shared), new MiddleCallback(0, 'middle', shared), new LastCallback(-5, 'last', shared));
    expect(shared.filter((e) => e.endsWith(':begin_fit'))).toEqual(['first:begin_fit', 'middle:begin_fit', 'last:begin_fit']);
  });

  it('refuses callbacks that must each run after the other, naming them', () => {
    class ACallback extends Callback {
      override readonly runAfter: readonly CallbackClass[] = [BCallback];
    }
    class BCallback extends Callback {
      override readonly runAfter: readonly CallbackClass[] = [ACallback];
    }
    expect(() => new Runner([new ACallback(), new BCallback()])).toThrow('callbacks cannot be ordered: ACallback, BCallback');
  });

  it('refuses to fit when a callback lacks one it needs, before any event', async () => {
    const log = new EventLogCallback();
    const learner = tinyLearner();
    await expect(new Runner([log, new CheckpointCallback('/nowhere')]).fit(1, learner)).rejects.toThrow(
      'CheckpointCallback needs an AvgStatsCallback on the same Runner',
    );
    expect(log.events).toEqual([]);
    disposeLearner(learner);
  });

  it('runs TrainEvalCallback (order -10) before default-order callbacks', async () => {
    const modes: boolean[] = [];
    class ModeProbe extends Callback {
      override async begin_epoch() {
        modes.push(this.runner.inTrain);
      }
      override async begin_validate() {
        modes.push(this.runner.inTrain);
      }
    }
    await fitWith(1, new ModeProbe());
    expect(modes).toEqual([true, false]);
  });

  it('finds callbacks by class, subclasses included, and names them as fastai does', () => {
    class MyFancyThingCallback extends Callback {}
    class FancierCallback extends MyFancyThingCallback {}
    class UnusedCallback extends Callback {}
    const fancy = new FancierCallback();
    const runner = new Runner([fancy]);
    expect(runner.get(MyFancyThingCallback)).toBe(fancy);
    expect(runner.get(TrainEvalCallback)).toBeInstanceOf(TrainEvalCallback);
    expect(runner.get(UnusedCallback)).toBeUndefined();
    expect(fancy.runner).toBe(runner);
    expect(fancy.name).toBe('fancier');
    expect(new MyFancyThingCallback().name).toBe('my_fancy_thing');
  });
});

describe('yielding to the event loop', () => {
  it('yields after a batch once yieldEveryMs has passed on the injected clock', async () => {
    let clock = 0;
    let yields = 0;
    class Tick extends Callback {
      override async after_batch() {
        clock += 50;
      }
    }
    const learner = tinyLearner();
    const runner = new Runner([new Tick()], undefined, {
      yieldEveryMs: 100,
      now: () => clock,
      yieldToEventLoop: async () => {
        yields++;
      },
    });
    await runner.fit(2, learner);
    disposeLearner(learner);
    // 6 batches × 50 ms = 300 ms of clock: a yield every second batch.
    expect(yields).toBe(3);
  });
});
