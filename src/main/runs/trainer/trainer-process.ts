/**
 * The trainer process: runs one training job for its supervisor and reports over the
 * trainer protocol (trainer-session.ts). Works under Node's child_process.fork
 * (process.send) and Electron's utilityProcess.fork (process.parentPort), so the CLI, web
 * host and app share it.
 */
import { toPlainJson } from './trainer-protocol';
import { errorMessage, serveTrainer, type ParentLink } from './trainer-session';

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

/** `--callback <file>` pairs from the launcher (trainer-launcher.ts). */
function callbackModules(argv: readonly string[]): string[] {
  return argv.flatMap((arg, i) => (arg === '--callback' && argv[i + 1] !== undefined ? [argv[i + 1]!] : []));
}

const session = serveTrainer(connectToParent(), (code) => process.exit(code), { callbackModules: callbackModules(process.argv.slice(2)) });

process.on('uncaughtException', (error) => void session.fail(errorMessage(error)));
process.on('unhandledRejection', (reason) => void session.fail(errorMessage(reason)));
// Ctrl-C in a terminal reaches the whole process group; the supervisor decides, not us.
process.on('SIGINT', () => undefined);
// A supervisor that died cannot record anything we do: stop rather than train for no one.
process.on('disconnect', () => process.exit(1));
