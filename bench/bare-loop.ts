/**
 * Measurement: a minimal hand loop doing the default job's math on the same backend, with
 * batches from the same DataLoader — the baseline the Runner is compared with. Timestamps
 * are taken where the Runner's are (each step's end, each epoch's end after validation).
 * Usage: node --import tsx bench/bare-loop.ts '{"backend":"wasm","model":"mlp","batchSize":64,"epochs":5}'
 */
import type * as tf from '@tensorflow/tfjs';
import { initBackend } from '../src/main/training/backend';
import { loadDataBunch } from '../src/main/training/data/load';
import { runMeasurement } from './lib/emit';
import { jobConfig, parseJobOptions } from './lib/job-options';
import { budgetSpent, throughputs, type EpochProbe, type LoopResult, type StepTime } from './lib/loop-result';
import { cpuMs, numTensors, peakRssMb, rssMb } from './lib/memory';
import { bareLr, createModel, trainStep, validStep } from './lib/bare-step';

runMeasurement(async (): Promise<LoopResult> => {
  const opts = parseJobOptions(process.argv[2]);
  const config = jobConfig(opts);
  const active = await initBackend(config.backend);
  const data = await loadDataBunch(config);
  const model = createModel(config, data.trainDs.shape, data.c);
  const trainSize = data.trainDs.length;
  const lr = bareLr(config.lr);
  const steps: StepTime[] = [];
  const epochs: EpochProbe[] = [];
  let validLoss: number | null = null;
  let iter = 0;

  fit: for (let epoch = 0; epoch < config.epochs; epoch++) {
    let loss: tf.Scalar | null = null;
    for (const { xb, yb } of data.trainDl) {
      loss?.dispose();
      loss = trainStep(model, xb, yb, lr);
      xb.dispose();
      yb.dispose();
      steps.push({ iter: ++iter, t: performance.now() });
      if (budgetSpent(steps, opts, data.trainDl.length)) {
        loss.dispose();
        break fit;
      }
    }
    loss?.dispose();
    let sums: tf.Tensor1D | null = null;
    for (const { xb, yb } of data.validDl) {
      sums = validStep(model, xb, yb, sums);
      xb.dispose();
      yb.dispose();
    }
    const [lossSum] = sums ? await sums.data() : [NaN];
    sums?.dispose();
    validLoss = lossSum! / data.validDs.length;
    epochs.push({ t: performance.now(), numTensors: numTensors(), rssMb: rssMb(), cpuMs: cpuMs() });
  }
  model.dispose();
  lr.scalar.dispose();

  const budget = opts.budgetMs !== null;
  const layout = { batchesPerEpoch: data.trainDl.length, trainSize, batchSize: config.batchSize };
  return {
    kind: 'bare',
    backend: active.backend,
    device: active.device,
    model: config.model,
    batch_size: config.batchSize,
    epochs: epochs.length,
    train_size: trainSize,
    ...throughputs(steps, epochs, opts, layout),
    num_tensors_per_epoch: epochs.map((e) => e.numTensors),
    rss_mb_per_epoch: epochs.map((e) => e.rssMb),
    peak_rss_mb: peakRssMb(),
    final_valid_loss: budget ? null : validLoss,
  };
});
