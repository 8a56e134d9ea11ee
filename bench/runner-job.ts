/**
 * Measurement: the engine's front door, runJob, with its default callbacks (Recorder,
 * AvgStats, Telemetry, …) on the default job — timed from its own telemetry rows, with
 * tf.memory().numTensors and the RSS sampled at every epoch row. In sweep mode (budgetMs)
 * the run is aborted once the budget has passed after the warm-up batches.
 * Usage: node --import tsx bench/runner-job.ts '{"backend":"wasm","model":"mlp","batchSize":64,"epochs":5}'
 */
import { runJob, type JobStart } from '../src/main/training/job';
import { runMeasurement } from './lib/emit';
import { jobConfig, parseJobOptions } from './lib/job-options';
import type { LoopResult } from './lib/loop-result';
import { cpuMs, numTensors, peakRssMb, rssMb } from './lib/memory';
import { RowTimings } from './lib/row-timings';

runMeasurement(async (): Promise<LoopResult> => {
  const opts = parseJobOptions(process.argv[2]);
  const config = jobConfig(opts);
  const timings = new RowTimings();
  const abort = new AbortController();
  let start: JobStart | null = null;
  // Where RSS goes, epoch by epoch: the JS heap, or array buffers (the wasm heap is one).
  const heapMb: number[] = [];
  const arrayBuffersMb: number[] = [];

  const result = await runJob(config, {
    modelDir: null,
    signal: abort.signal,
    onStart: (info) => {
      start = info;
    },
    onRows: (rows) => {
      timings.add(rows, () => {
        const mem = process.memoryUsage();
        heapMb.push(mem.heapUsed / 2 ** 20);
        arrayBuffersMb.push(mem.arrayBuffers / 2 ** 20);
        return { numTensors: numTensors(), rssMb: rssMb(), cpuMs: cpuMs() };
      });
      if (start !== null && timings.budgetSpent(opts, (start as JobStart).batchesPerEpoch)) abort.abort();
    },
  });
  const info = start as JobStart | null;
  if (info === null) throw new Error('runJob finished without calling onStart');

  return {
    kind: 'runner',
    backend: result.backend,
    device: result.device,
    model: config.model,
    batch_size: config.batchSize,
    epochs: timings.epochs.length,
    train_size: info.trainSize,
    ...timings.throughputs(opts, { batchesPerEpoch: info.batchesPerEpoch, trainSize: info.trainSize, batchSize: config.batchSize }),
    num_tensors_per_epoch: timings.epochs.map((e) => e.numTensors),
    rss_mb_per_epoch: timings.epochs.map((e) => e.rssMb),
    peak_rss_mb: peakRssMb(),
    final_valid_loss: opts.budgetMs === null ? timings.finalValidLoss() : null,
    notes: {
      status: result.status,
      engine_samples_per_second: result.summary.samples_per_second,
      heap_used_mb_per_epoch: heapMb,
      array_buffers_mb_per_epoch: arrayBuffersMb,
    },
  };
});
