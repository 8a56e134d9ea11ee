/**
 * Measurement: the Runner's own loop with no callbacks but its TrainEvalCallback — the same
 * Learner runJob builds (engine model, SGD, crossEntropy, DataLoaders) — to split the
 * Runner's cost from its callbacks': bare → runner-core is the loop (events, awaits,
 * disposal), runner-core → runner-job is the default callbacks. A StepClock callback
 * (one performance.now() per batch, ordered last) gives the timestamps.
 * Usage: node --import tsx bench/runner-core.ts '{"epochs":5}'
 */
import { initBackend } from '../src/main/training/backend';
import { loadDataBunch } from '../src/main/training/data/load';
import { buildModel, buildOptimizer } from '../src/main/training/job';
import { Learner } from '../src/main/training/loop/learner';
import { crossEntropy } from '../src/main/training/loss';
import { Runner } from '../src/main/training/loop/runner';
import { runMeasurement } from './lib/emit';
import { jobConfig, parseJobOptions } from './lib/job-options';
import { throughputs, type LoopResult } from './lib/loop-result';
import { peakRssMb } from './lib/memory';
import { StepClockCallback } from './lib/step-clock';

runMeasurement(async (): Promise<LoopResult> => {
  const opts = parseJobOptions(process.argv[2]);
  if (opts.budgetMs !== null) throw new Error('bench options: runner-core runs whole epochs; budgetMs must be null');
  const config = jobConfig(opts);
  const active = await initBackend(config.backend);
  const data = await loadDataBunch(config);
  const model = buildModel(config, data);
  const opt = buildOptimizer(config, model);
  const clock = new StepClockCallback();
  try {
    await new Runner([clock]).fit(config.epochs, new Learner(model, opt, crossEntropy, data));
  } finally {
    opt.dispose();
    model.dispose();
  }
  const trainSize = data.trainDs.length;
  return {
    kind: 'runner-core',
    backend: active.backend,
    device: active.device,
    model: config.model,
    batch_size: config.batchSize,
    epochs: clock.epochs.length,
    train_size: trainSize,
    ...throughputs(clock.steps, clock.epochs, opts, { batchesPerEpoch: data.trainDl.length, trainSize, batchSize: config.batchSize }),
    num_tensors_per_epoch: clock.epochs.map((e) => e.numTensors),
    rss_mb_per_epoch: clock.epochs.map((e) => e.rssMb),
    peak_rss_mb: peakRssMb(),
    final_valid_loss: null,
  };
});
