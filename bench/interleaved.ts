/**
 * Measurement: the bare loop, the Runner's loop alone (TrainEvalCallback) and the Runner
 * with runJob's callbacks (the trainer process's set) taking turns epoch by epoch in ONE process, on one model and one data bunch — the
 * tightest pairing this shared machine allows. Separate processes running the same loop
 * here differ by up to 1.6× (which core, the heap's layout, a neighbour's burst) and keep
 * that speed for their whole life, while consecutive epochs of one process agree within a
 * few per cent; so a ratio of turns back to back is the cost of the loop and of the callbacks.
 * `epochs` is the number of rounds; the first `warmupEpochs` are not timed. Each turn is
 * timed over its training pass only, from the end of its first step to the end of its last.
 * Usage: node --import tsx bench/interleaved.ts '{"epochs":15,"warmupEpochs":3}'
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/main/training/backend';
import { Callback } from '../src/main/training/callback';
import { loadDataBunch } from '../src/main/training/data/load';
import { buildModel, buildOptimizer } from '../src/main/training/job';
import { jobCallbacks } from '../src/main/training/job-callbacks';
import { Learner } from '../src/main/training/learner';
import { crossEntropy } from '../src/main/training/loss';
import { Runner } from '../src/main/training/runner';
import { trainStep } from './lib/bare-step';
import { runMeasurement } from './lib/emit';
import type { InterleavedResult } from './lib/interleaved-result';
import { jobConfig, parseJobOptions } from './lib/job-options';
import { batchSamples, throughput, type Tick } from './lib/stats';

/** The three turns of a round: the bare loop, the Runner with TrainEval only, the Runner with runJob's callbacks. */
const TURNS = ['bare', 'core', 'runner'] as const;
type Turn = (typeof TURNS)[number];

/** Training-step end times of the epoch in progress. */
class StepClockCallback extends Callback {
  override order = 1000;
  ticks: Tick[] = [];

  override async begin_epoch(): Promise<void> {
    this.ticks = [];
  }

  override async after_batch(): Promise<void> {
    const r = this.runner;
    if (r.inTrain) this.ticks.push({ t: performance.now(), samples: r.xb?.shape[0] ?? 0 });
  }
}

runMeasurement(async (): Promise<InterleavedResult> => {
  const opts = parseJobOptions(process.argv[2]);
  if (opts.budgetMs !== null) throw new Error('bench options: interleaved runs whole epochs; budgetMs must be null');
  const config = jobConfig(opts);
  const active = await initBackend(config.backend);
  const data = await loadDataBunch(config);
  const model = buildModel(config, data);
  const opt = buildOptimizer(config, model);
  const lr = tf.keep(tf.scalar(config.lr));
  const abort = new AbortController();
  // A callback belongs to one Runner (it keeps `runner`): each gets its own clock.
  const runnerClock = new StepClockCallback();
  const coreClock = new StepClockCallback();
  const runner = new Runner([...jobCallbacks(config, { signal: abort.signal, onRows: () => undefined }).all, runnerClock]);
  const core = new Runner([coreClock]);
  const learner = new Learner(model, opt, crossEntropy, data);
  const { length: trainSize } = data.trainDs;

  const bareEpoch = (): number | null => {
    const ticks: Tick[] = [];
    let index = 0;
    for (const { xb, yb } of data.trainDl) {
      const loss = trainStep(model, xb, yb, lr);
      loss.dispose();
      xb.dispose();
      yb.dispose();
      ticks.push({ t: performance.now(), samples: batchSamples(index++, trainSize, config.batchSize) });
    }
    return throughput(ticks);
  };
  const runnerEpoch = (which: Runner, clock: StepClockCallback) => async (): Promise<number | null> => {
    await which.fit(1, learner);
    return throughput(clock.ticks);
  };
  const turns: Record<Turn, () => Promise<number | null>> = {
    bare: async () => bareEpoch(),
    core: runnerEpoch(core, coreClock),
    runner: runnerEpoch(runner, runnerClock),
  };

  const sps: Record<Turn, (number | null)[]> = { bare: [], core: [], runner: [] };
  try {
    for (let round = 0; round < opts.epochs; round++) {
      // Rotate who goes first, so none always follows another's validation pass.
      const order = TURNS.map((_, i) => TURNS[(i + round) % TURNS.length]!);
      const got: Partial<Record<Turn, number | null>> = {};
      for (const turn of order) got[turn] = await turns[turn]();
      if (round < opts.warmupEpochs) continue;
      for (const turn of TURNS) sps[turn].push(got[turn] ?? null);
    }
  } finally {
    lr.dispose();
    opt.dispose();
    model.dispose();
  }
  return {
    kind: 'interleaved',
    backend: active.backend,
    device: active.device,
    rounds: sps.bare.length,
    bare_sps_per_round: sps.bare,
    core_sps_per_round: sps.core,
    runner_sps_per_round: sps.runner,
  };
});
