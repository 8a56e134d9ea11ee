/**
 * The Electron app's TrainerLauncher: each run trains in a utilityProcess, so a native
 * crash or an out-of-memory ends one run, never the window. Only the Electron entry loads
 * this file (it imports 'electron').
 */
import { utilityProcess } from 'electron';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StderrTail, type TrainerHandle, type TrainerLauncher } from './trainer-launcher';

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

    const exitListeners: Array<(code: number | null, signal: NodeJS.Signals | null) => void> = [];
    let exited: { code: number | null; signal: NodeJS.Signals | null } | null = null;
    let killedWith: NodeJS.Signals | null = null;
    let pid = child.pid;
    child.on('spawn', () => {
      pid = child.pid;
    });
    child.on('exit', (code) => {
      if (exited) return;
      // utilityProcess reports only a code; name the signal when we sent one.
      exited = { code: killedWith ? null : code, signal: killedWith };
      for (const listener of exitListeners) listener(exited.code, exited.signal);
    });
    child.on('error', (type, location) => tail.push(`\n${type} at ${location}\n`));

    return {
      get pid() {
        return pid;
      },
      send(message) {
        if (!exited) child.postMessage(message);
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        if (exited) listener(exited.code, exited.signal);
        else exitListeners.push(listener);
      },
      kill(signal = 'SIGTERM') {
        if (exited) return;
        killedWith = signal;
        // utilityProcess.kill() only sends SIGTERM; a hard kill needs the pid.
        if (signal === 'SIGTERM' || pid === undefined) child.kill();
        else process.kill(pid, signal);
      },
      stderrTail: () => tail.value(),
    };
  }
}
