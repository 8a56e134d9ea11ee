/**
 * Measurement: telemetry rows per second end to end — trainer process → trainer protocol
 * (IPC, validated) → RunSupervisor (coalescing) → RunStore (metrics.jsonl appends) → a
 * subscriber's 'run:metrics' event. The trainer is a producer sending TelemetryCallback-
 * shaped rows as fast as the channel takes them, so this is the pipeline's capacity, to
 * set against the rows a real run makes (one per training step).
 * Usage: node --import tsx bench/telemetry.ts '{"rows":100000}'
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { MetricRow } from '../src/shared/records';
import { RunStore } from '../src/main/runs/store/store';
import { RunSupervisor } from '../src/main/runs/supervisor';
import { ChildProcessLauncher } from '../src/main/runs/trainer/trainer-launcher';
import { DEFAULT_HYPERPARAMS } from '../src/shared/hyperparams';
import { runMeasurement } from './lib/emit';

export interface TelemetryResult {
  rows: number;
  rows_pushed: number;
  rows_stored: number;
  seconds: number;
  rows_per_second: number;
  rows_per_message: number;
}

const PRODUCER = fileURLToPath(new URL('./lib/telemetry-producer.ts', import.meta.url));

runMeasurement(async (): Promise<TelemetryResult> => {
  const args = JSON.parse(process.argv[2] ?? '{}') as { rows?: number; rowsPerMessage?: number };
  const rows = args.rows ?? 100_000;
  const rowsPerMessage = args.rowsPerMessage ?? 256;
  const dataDir = await mkdtemp(join(tmpdir(), 'runlab-bench-telemetry-'));
  const launcher = new ChildProcessLauncher({
    modulePath: PRODUCER,
    stdout: 'ignore',
    env: { ...process.env, BENCH_TELEMETRY: JSON.stringify({ rows, rowsPerMessage }) },
  });
  const supervisor = new RunSupervisor(new RunStore(dataDir), launcher);
  try {
    let t0: number | null = null;
    let t1: number | null = null;
    let pushed = 0;
    supervisor.subscribe((event, payload) => {
      if (event === 'run:updated' && (payload as { status: string }).status === 'running') t0 ??= performance.now();
      if (event === 'run:metrics') {
        pushed += (payload as { rows: MetricRow[] }).rows.length;
        if (pushed >= rows) t1 ??= performance.now();
      }
    });
    const run = await supervisor.start(DEFAULT_HYPERPARAMS, { name: 'telemetry bench' });
    const record = await supervisor.whenSettled(run.id);
    if (record.status !== 'completed') throw new Error(`telemetry run ended ${record.status}: ${record.error ?? 'no error given'}`);
    if (t0 === null || t1 === null) throw new Error(`telemetry run delivered ${pushed} of ${rows} rows`);
    const stored = (await new RunStore(dataDir).readMetrics(run.id)).length;
    const seconds = (t1 - t0) / 1000;
    return { rows, rows_pushed: pushed, rows_stored: stored, seconds, rows_per_second: rows / seconds, rows_per_message: rowsPerMessage };
  } finally {
    await supervisor.close();
    await rm(dataDir, { recursive: true, force: true });
  }
});
