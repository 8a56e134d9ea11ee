/**
 * followRun: a run this process supervises, followed to its end in the terminal — what
 * `runlab train`, `runlab resume` and `runlab fork` print while it trains (epoch rows, a
 * progress bar) and the outcome they end with. Ctrl-C once stops the run cleanly.
 */
import type { LabEvents } from '../../shared/api';
import { FINISHED_STATUSES, type RunRecord } from '../../shared/records';
import type { LabService } from '../lab';
import { errorLine } from './cli-error';
import type { TrainEnd, TrainReporter } from './train-reporter';

export interface TrainOutcome {
  result: Omit<TrainEnd, 'seconds'>;
  interrupted: boolean;
}

/** Ctrl-C once: stop cleanly (the run ends cancelled). Twice: leave now. */
export function onInterrupt(reporter: TrainReporter, cancel: () => void): { interrupted: () => boolean; dispose: () => void } {
  let count = 0;
  const handler = () => {
    count += 1;
    if (count > 1) process.exit(130);
    reporter.note('cancelling (Ctrl-C again to quit at once)…');
    cancel();
  };
  process.on('SIGINT', handler);
  return { interrupted: () => count > 0, dispose: () => process.off('SIGINT', handler) };
}

/** `begin` queues the run (start, resume, fork) in `service`; the run is followed until it settles. */
export async function followRun(service: LabService, begin: () => Promise<RunRecord>, reporter: TrainReporter): Promise<TrainOutcome> {
  let runId: string | null = null;
  let announced = false;
  const unsubscribe = service.subscribe((event, payload) => {
    if (event === 'run:metrics') {
      const { id, rows } = payload as LabEvents['run:metrics'];
      if (id === runId) reporter.rows(rows);
      return;
    }
    if (event !== 'run:updated') return;
    const record = payload as RunRecord;
    if (record.id !== runId || FINISHED_STATUSES.includes(record.status)) return;
    // An image folder decoding before training starts.
    const loading = record.progress?.loading;
    if (!announced && loading) reporter.loading(loading.done, loading.total);
    if (!announced && record.status === 'running' && record.progress) {
      announced = true;
      reporter.start({
        backend: record.backend ?? '',
        device: record.device ?? '',
        totalIters: record.progress.total_iters,
        epochs: record.progress.epochs,
        data: record.data,
      });
    }
    if (record.progress) reporter.progress(record.progress);
  });
  const interrupt = onInterrupt(reporter, () => {
    if (runId) void service.call('cancelRun', { id: runId }).catch(() => undefined);
  });
  try {
    const run = await begin();
    runId = run.id;
    // A Ctrl-C that came while the run was being queued.
    if (interrupt.interrupted()) await service.call('cancelRun', { id: run.id });
    const final = await service.supervisor.whenSettled(run.id);
    return {
      interrupted: interrupt.interrupted(),
      result: {
        status: final.status,
        summary: final.summary,
        backend: final.backend,
        device: final.device,
        runId: final.id,
        error: final.error,
        data: final.data ?? null,
      },
    };
  } finally {
    interrupt.dispose();
    unsubscribe();
  }
}

/** Reports the outcome (the last line) and gives the exit code: 0 done or stopped, 130 Ctrl-C, 1 failed. */
export function finishRun(end: TrainOutcome, reporter: TrainReporter, startedAt: number): number {
  reporter.end({ ...end.result, seconds: (performance.now() - startedAt) / 1000 });
  if (end.result.status === 'failed' && end.result.error) process.stderr.write(`${errorLine(new Error(end.result.error))}\n`);
  if (end.interrupted && end.result.status === 'cancelled') return 130;
  return end.result.status === 'completed' || end.result.status === 'cancelled' ? 0 : 1;
}

/** TensorFlow.js greets on console.log: stdout is for results only. */
export function keepStdoutForResults(): void {
  console.log = console.info = console.debug = console.warn = (...args: unknown[]) => console.error(...args);
}
