/**
 * The trainer process: runs one training job for its supervisor and reports over the
 * trainer protocol. Works under Node's child_process.fork (process.send) and Electron's
 * utilityProcess.fork (process.parentPort), so the CLI, web host and app share it.
 */
import { runJob } from '../training/job';
import type { MetricRow } from '../../shared/records';
import { parseParentMessage, plannedIters, toPlainJson, type ChildMessage, type ParentMessage } from './trainer-protocol';

interface ParentLink {
  /** Resolves once the message has been handed to the channel (safe to exit after it). */
  send(message: ChildMessage): Promise<void>;
  onMessage(listener: (raw: unknown) => void): void;
}

/** parentPort.postMessage has no completion callback: give the last message time to leave. */
const ELECTRON_EXIT_GRACE_MS = 100;

/** Electron's parentPort, typed locally so this file does not depend on electron's types. */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function connectToParent(): ParentLink {
  const port = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (port) {
    return {
      // Structured clone would carry NaN; the protocol (and the store) speak JSON.
      send: async (message) => {
        port.postMessage(toPlainJson(message));
        if (message.type === 'done' || message.type === 'error') await new Promise((r) => setTimeout(r, ELECTRON_EXIT_GRACE_MS));
      },
      onMessage: (listener) => port.on('message', (event) => listener(event.data)),
    };
  }
  if (process.send) {
    const send = process.send.bind(process);
    return {
      send: (message) =>
        new Promise<void>((resolve) => {
          send(message, undefined, {}, () => resolve());
        }),
      onMessage: (listener) => process.on('message', listener),
    };
  }
  throw new Error('trainer-process must be started by a supervisor (no IPC channel)');
}

const parent = connectToParent();
const abort = new AbortController();
let started = false;

async function fail(message: string): Promise<never> {
  await parent.send({ type: 'error', message }).catch(() => undefined);
  process.exit(1);
}

async function train(start: Extract<ParentMessage, { type: 'start' }>): Promise<void> {
  const result = await runJob(start.config, {
    modelDir: start.modelDir,
    data: start.cacheDir ? { cacheDir: start.cacheDir } : {},
    signal: abort.signal,
    onStart: (info) => {
      void parent.send({
        type: 'started',
        backend: info.backend,
        device: info.device,
        totalIters: plannedIters(info.totalIters, start.config.stopAfter),
        batchesPerEpoch: info.batchesPerEpoch,
        epochs: info.epochs,
      });
    },
    // The engine's TelemetryCallback already coalesces; forward each batch as it comes.
    onRows: (rows: MetricRow[]) => void parent.send({ type: 'rows', rows }),
  });
  await parent.send({ type: 'done', status: result.status, error: result.error, summary: result.summary });
  process.exit(0);
}

parent.onMessage((raw) => {
  const parsed = parseParentMessage(raw);
  if (!parsed.ok) {
    void fail(`trainer protocol error: ${parsed.error}`);
    return;
  }
  const message = parsed.message;
  if (message.type === 'cancel') {
    abort.abort();
    return;
  }
  if (started) {
    void fail('trainer protocol error: a trainer runs one job; a second start was sent');
    return;
  }
  started = true;
  train(message).catch((error: unknown) => fail(errorMessage(error)));
});

function errorMessage(error: unknown): string {
  if (error instanceof Error) {
    // Stacks go to stderr (kept as the supervisor's tail); the message reaches the person.
    if (error.stack) process.stderr.write(`${error.stack}\n`);
    return error.message || error.name;
  }
  return String(error);
}

process.on('uncaughtException', (error) => void fail(errorMessage(error)));
process.on('unhandledRejection', (reason) => void fail(errorMessage(reason)));
// Ctrl-C in a terminal reaches the whole process group; the supervisor decides, not us.
process.on('SIGINT', () => undefined);
// A supervisor that died cannot record anything we do: stop rather than train for no one.
process.on('disconnect', () => process.exit(1));
