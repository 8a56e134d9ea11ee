/**
 * One trainer's side of the trainer protocol, whatever carries it: waits for `start`, runs
 * the job with runJob, streams `loading` (while an image folder decodes), `started`, `rows`
 * and `done`, turns `cancel` into an abort, and refuses anything else with an `error`. Sent
 * a `task` instead of `start`, it runs that inference task and answers with its `result`;
 * a `start` of kind lr-find runs the LR finder instead of training, its curve in `done`.
 * A spare trainer (warm-trainers.ts) is sent `prepare` first: it initialises the default
 * backend and loads the shipped dataset while it waits, answers `prepared`, and its run then
 * starts from both. trainer-process.ts connects it to a real parent (Node IPC or Electron's
 * parentPort); the benchmark runs it in its own process to time the supervisor and store
 * without a process boundary in the way.
 */
import { join } from 'node:path';
import { CHECKPOINTS_DIR } from '../../../shared/checkpoint';
import { initBackend } from '../../training/backend';
import { LiveControlCallback } from '../../training/callbacks/live-control';
import { loadCallbackModules } from '../../training/callback-module';
import type { DataSplit } from '../../training/data/dataset';
import { loadMnistSample } from '../../training/data/mnist-sample';
import { runJob, type JobStart } from '../../training/job';
import { runLrFind } from '../../training/lr-find-job';
import type { InferenceTask } from '../../training/inference/inference-task-schema';
import { LoadingReporter } from './loading-reporter';
import { CallbackTimeline } from '../../training/loop/callback-timeline';
import type { MetricRow } from '../../../shared/records';
import { parseParentMessage, plannedIters, type ChildMessage, type ParentMessage } from './trainer-protocol';

/** How often the trainer reports its CPU time and memory (the Live view shows them beside samples/s). */
export const USAGE_EVERY_MS = 1000;

function usageMessage(): ChildMessage {
  const cpu = process.cpuUsage();
  return { type: 'usage', cpuMs: (cpu.user + cpu.system) / 1000, rssBytes: process.memoryUsage.rss() };
}

export interface ParentLink {
  /** Resolves once the message has been handed to the channel (safe to exit after it). */
  send(message: ChildMessage): Promise<void>;
  onMessage(listener: (raw: unknown) => void): void;
}

export interface TrainerSession {
  /** Reports `message` as the trainer's error, then ends with exit code 1. */
  fail(message: string): Promise<void>;
}

export interface TrainerSessionOptions {
  /** Callback modules to load into every run (loadCallbackModule's files). */
  callbackModules?: readonly string[];
}

/** `exit` ends the trainer (the process exits; in the bench, the session reports it). */
export function serveTrainer(parent: ParentLink, exit: (code: number) => void, options: TrainerSessionOptions = {}): TrainerSession {
  const abort = new AbortController();
  let started = false;
  let prepared: Promise<{ cacheDir: string | null; split: DataSplit | null }> | null = null;
  let ended = false;
  const end = (code: number) => {
    if (ended) return;
    ended = true;
    exit(code);
  };

  const timeline = new CallbackTimeline({ onSnapshot: (snapshot) => void parent.send({ type: 'timeline', timeline: snapshot }) });
  // Pause and live edits reach the loop through this callback, at batch boundaries.
  const control = new LiveControlCallback({
    signal: abort.signal,
    onPaused: (at, checkpoint) => {
      const latest = checkpoint && { name: checkpoint.name, ...checkpoint.position, iter: checkpoint.n_iter };
      void parent.send({ type: 'paused', ...at, checkpoint: latest });
      // A paused run's timeline stands still: show it as it is now, not as of the last second.
      timeline.report();
    },
    onResumed: (at) => void parent.send({ type: 'resumed', ...at }),
    onEdited: (id, at, changes) => void parent.send({ type: 'edited', id, ...at, changes }),
    onRefused: (id, error) => void parent.send({ type: 'edit-refused', id, error }),
  });

  const fail = async (message: string): Promise<void> => {
    await parent.send({ type: 'error', message }).catch(() => undefined);
    end(1);
  };

  /** What a spare makes ready; a failure is left for the run itself to meet and report. */
  const prepare = async (cacheDir: string | null): Promise<{ cacheDir: string | null; split: DataSplit | null }> => {
    const backend = await initBackend('auto').then(
      () => true,
      () => false,
    );
    const split = await loadMnistSample(cacheDir ? { cacheDir } : {}).catch(() => null);
    await parent.send({ type: 'prepared', backend, data: split !== null });
    return { cacheDir, split };
  };

  const train = async (start: Extract<ParentMessage, { type: 'start' }>): Promise<void> => {
    const loading = new LoadingReporter((done, total) => void parent.send({ type: 'loading', done, total }));
    const ready = prepared ? await prepared : null;
    // The prepared dataset is this run's when it asks for the shipped one from the same cache.
    const split = ready?.split && start.config.dataset === 'mnist-sample' && ready.cacheDir === start.cacheDir ? ready.split : null;
    const callbacks = await loadCallbackModules(options.callbackModules ?? [], start.config);
    // The Runner yields to the event loop every 125 ms, so this fires while it trains.
    const usage = setInterval(() => void parent.send(usageMessage()).catch(() => undefined), USAGE_EVERY_MS);
    usage.unref();
    const lrFind = start.kind === 'lr-find';
    const common = {
      callbacks,
      data: { ...(start.cacheDir ? { cacheDir: start.cacheDir } : {}), ...(split ? { split } : {}), onProgress: loading.report },
      signal: abort.signal,
      onStart: (info: JobStart) => {
        void parent.send({
          type: 'started',
          backend: info.backend,
          device: info.device,
          // The LR finder's iterations are its own; stop-after is a training run's.
          totalIters: lrFind ? info.totalIters : plannedIters(info.totalIters, start.config.stopAfter),
          batchesPerEpoch: info.batchesPerEpoch,
          epochs: info.epochs,
          trainSize: info.trainSize,
          validSize: info.validSize,
          data: info.data,
          ...(info.from ? { from: { iter: info.from.iter, epoch: info.from.epoch } } : {}),
        });
      },
      // The engine's TelemetryCallback already coalesces; forward each batch as it comes
      // (the first row at once: the chart's first point).
      telemetry: { firstRowAtOnce: true },
      onRows: (rows: MetricRow[]) => void parent.send({ type: 'rows', rows }),
    };
    if (lrFind) {
      const found = await runLrFind(start.config, common);
      await parent.send({ type: 'done', status: found.status, error: found.error, summary: found.summary, lrFind: found.lrFind });
      end(0);
      return;
    }
    const result = await runJob(start.config, {
      ...common,
      control,
      timeline,
      from: start.from ?? undefined,
      onCheckpoint: (info) =>
        void parent.send({ type: 'checkpoint', checkpoint: { name: info.name, ...info.position, iter: info.n_iter } }),
      modelDir: start.modelDir,
      // Resumable checkpoints (every epoch, and on a stop) beside model/last and model/best.
      checkpointDir: start.modelDir === null ? null : join(start.modelDir, CHECKPOINTS_DIR),
    });
    clearInterval(usage);
    await parent.send({ type: 'done', status: result.status, error: result.error, summary: result.summary });
    end(0);
  };

  const runTask = async (task: InferenceTask): Promise<void> => {
    // The engine loads only when asked: a trainer that trains never pays for it.
    const { runInferenceTask } = await import('../../training/inference/inference-task');
    await parent.send({ type: 'result', value: await runInferenceTask(task) });
    end(0);
  };

  parent.onMessage((raw) => {
    const parsed = parseParentMessage(raw);
    if (!parsed.ok) {
      void fail(`trainer protocol error: ${parsed.error}`);
      return;
    }
    const message = parsed.message;
    switch (message.type) {
      case 'cancel':
        return abort.abort();
      case 'pause':
        return control.pause();
      case 'resume':
        return control.resume();
      case 'edit':
        return control.edit(message.id, message.changes);
      case 'start':
        break;
    }
    if (message.type === 'prepare') {
      if (started || prepared) {
        void fail(`trainer protocol error: "prepare" comes once, before "start"`);
        return;
      }
      prepared = prepare(message.cacheDir);
      return;
    }
    if (started) {
      void fail('trainer protocol error: a trainer runs one job; a second start was sent');
      return;
    }
    started = true;
    if (message.type === 'task') {
      runTask(message.task).catch((error: unknown) => fail(errorMessage(error)));
      return;
    }
    train(message).catch((error: unknown) => fail(errorMessage(error)));
  });

  return { fail };
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    // Stacks go to stderr (kept as the supervisor's tail); the message reaches the person.
    if (error.stack) process.stderr.write(`${error.stack}\n`);
    return error.message || error.name;
  }
  return String(error);
}
