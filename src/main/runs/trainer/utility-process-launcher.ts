/**
 * The Electron app's TrainerLauncher: each run trains in a utilityProcess, so a native
 * crash or an out-of-memory ends one run, never the window. Only the Electron entry loads
 * this file (it imports 'electron').
 */
import { utilityProcess } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StderrTail, type TrainerHandle, type TrainerLauncher } from './trainer-launcher';
import { ExitLatch } from './exit-latch';

export interface UtilityProcessLauncherOptions {
  /** The built trainer entry; defaults to trainer-process.js next to the built main (out/main/). */
  modulePath?: string;
}

export class UtilityProcessLauncher implements TrainerLauncher {
  readonly modulePath: string;
  constructor(options: UtilityProcessLauncherOptions = {}) {
    this.modulePath = options.modulePath ?? join(dirname(fileURLToPath(import.meta.url)), 'trainer-process.js');
  }

  launch(): TrainerHandle {
    const tail = new StderrTail();
    const child = utilityProcess.fork(this.modulePath, [], {
      stdio: 'pipe',
      serviceName: 'Runlab trainer',
    });
    child.stderr?.on('data', (chunk: Buffer) => tail.push(chunk));
    // The trainer's stdout is tfjs chatter; keep the pipe drained.
    child.stdout?.on('data', () => undefined);

    const exit = new ExitLatch();
    let killedWith: NodeJS.Signals | null = null;
    let pid = child.pid;
    child.on('spawn', () => {
      pid = child.pid;
    });
    // utilityProcess reports only a code; name the signal when we sent one.
    child.on('exit', (code) => exit.report(killedWith ? null : code, killedWith));
    child.on('error', (type, location) => tail.push(`\n${type} at ${location}\n`));

    return {
      get pid() {
        return pid;
      },
      send(message) {
        if (!exit.exited) child.postMessage(message);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        exit.onExit(listener);
      },
      kill(signal = 'SIGTERM') {
        if (exit.exited) return;
        killedWith = signal;
        // utilityProcess.kill() only sends SIGTERM; a hard kill needs the pid.
        if (signal === 'SIGTERM' || pid === undefined) child.kill();
        else process.kill(pid, signal);
      },
      stderrTail: () => tail.value(),
    };
  }
}
