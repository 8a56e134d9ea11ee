/**
 * Measurement: the default job as the app runs it — RunSupervisor + RunStore (a temp data
 * folder) + a real trainer child process running runJob, rows crossing the trainer
 * protocol and landing in metrics.jsonl. Timed from the trainer's own row timestamps,
 * like runner-job, so the two compare directly; the trainer's peak RSS is sampled from /proc.
 * Usage: node --import tsx bench/supervised-job.ts '{"backend":"wasm","model":"mlp","batchSize":64,"epochs":5}'
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MetricRow } from '../src/shared/records';
import { RunStore } from '../src/main/runs/store/store';
import { loadSplit } from '../src/main/training/data/load';
import { defaultCacheDir } from '../src/main/training/data/mnist-sample';
import { RunSupervisor } from '../src/main/runs/supervisor';
import { ChildProcessLauncher } from '../src/main/runs/trainer/trainer-launcher';
import { runMeasurement } from './lib/emit';
import { jobConfig, parseJobOptions } from './lib/job-options';
import type { LoopResult } from './lib/loop-result';
import { PeakRssSampler } from './lib/proc-status';
import { RowTimings } from './lib/row-timings';

runMeasurement(async (): Promise<LoopResult> => {
  const opts = parseJobOptions(process.argv[2]);
  if (opts.budgetMs !== null) throw new Error('bench options: supervised-job runs whole epochs; budgetMs must be null');
  const config = jobConfig(opts);
  const dataDir = await mkdtemp(join(tmpdir(), 'runlab-bench-store-'));
  const supervisor = new RunSupervisor(new RunStore(dataDir), new ChildProcessLauncher({ stdout: 'ignore' }), {
    // The bench's shared dataset cache, as runJob in-process uses: both contenders start alike.
    cacheDir: defaultCacheDir(),
  });
  const timings = new RowTimings();
  const sampler = new PeakRssSampler();
  let pushedRows = 0;
  try {
    let runId: string | null = null;
    supervisor.subscribe((event, payload) => {
      if (event === 'run:metrics') {
        const { rows } = payload as { rows: MetricRow[] };
        pushedRows += rows.length;
        timings.add(rows);
      }
      if (event === 'run:updated' && runId !== null && (payload as { status: string }).status === 'running') {
        const pid = supervisor.trainerPid(runId);
        if (pid !== undefined && sampler.peakMb === null) sampler.start(pid);
      }
    });
    const started = performance.now();
    runId = (await supervisor.start(config, { name: 'bench' })).id;
    const record = await supervisor.whenSettled(runId);
    const wallSeconds = (performance.now() - started) / 1000;
    sampler.stop();
    if (record.status !== 'completed') throw new Error(`supervised run ended ${record.status}: ${record.error ?? 'no error given'}`);
    const stored = await new RunStore(dataDir).readMetrics(runId);
    // The same split the trainer loaded (from the same cache): its size sets the samples per step.
    const trainSize = (await loadSplit(config)).train.length;
    const batchesPerEpoch = Math.ceil(trainSize / config.batchSize);
    return {
      kind: 'supervised',
      backend: record.backend ?? 'unknown',
      device: record.device ?? 'unknown',
      model: config.model,
      batch_size: config.batchSize,
      epochs: timings.epochs.length,
      train_size: trainSize,
      ...timings.throughputs(opts, { batchesPerEpoch, trainSize, batchSize: config.batchSize }),
      num_tensors_per_epoch: timings.epochs.map(() => null),
      rss_mb_per_epoch: timings.epochs.map(() => null),
      peak_rss_mb: sampler.peakMb,
      final_valid_loss: timings.finalValidLoss(),
      notes: {
        wall_seconds_start_to_settled: wallSeconds,
        rows_pushed: pushedRows,
        rows_stored: stored.length,
        engine_samples_per_second: record.summary?.samples_per_second ?? null,
      },
    };
  } finally {
    sampler.stop();
    await supervisor.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
