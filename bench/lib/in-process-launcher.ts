/**
 * A TrainerLauncher whose trainer runs in this process — trainer-session.ts, the real
 * trainer's protocol logic, on an in-memory link — for the benchmark only. The supervisor
 * and store do their real work on every row, but on the same thread as the training (a
 * stricter test than the app's separate process, where that work runs on the other core),
 * and every message crosses as JSON text, as it does over IPC.
 */
import type { TrainerHandle, TrainerLauncher } from '../../src/main/runs/trainer/trainer-launcher';
import { ExitLatch } from '../../src/main/runs/trainer/exit-latch';
import { serveTrainer } from '../../src/main/runs/trainer/trainer-session';

type Listener = (raw: unknown) => void;

/** Delivers a JSON copy of `message` on a later turn of the event loop, as a pipe would. */
function cross(message: unknown, listeners: readonly Listener[]): void {
  const json = JSON.stringify(message);
  setImmediate(() => {
    const copy: unknown = JSON.parse(json);
    for (const listener of listeners) listener(copy);
  });
}

export class InProcessLauncher implements TrainerLauncher {
  launch(): TrainerHandle {
    const toParent: Listener[] = [];
    const toTrainer: Listener[] = [];
    const exit = new ExitLatch();
    serveTrainer(
      {
        send: async (message) => {
          if (!exit.exited) cross(message, toParent);
        },
        onMessage: (listener) => toTrainer.push(listener),
      },
      // After the messages already on their way, as a process's exit follows its last write.
      (code) => setImmediate(() => exit.report(code, null)),
    );
    return {
      pid: process.pid,
      send: (message) => {
        if (!exit.exited) cross(message, toTrainer);
      },
      onMessage: (listener) => toParent.push(listener),
      onExit: (listener) => exit.onExit(listener),
      // A trainer in this process cannot be killed apart from it; the bench never cancels.
      kill: () => undefined,
      stderrTail: () => '',
    };
  }
}
