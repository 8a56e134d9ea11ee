/**
 * How the supervisor starts a trainer process. The interface hides whether it is a Node
 * child process (CLI, web host, tests) or an Electron utility process (the app).
 */
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { ParentMessage } from './trainer-protocol';
import { ExitLatch } from './exit-latch';
import { bundleFresh, TRAINER_BUNDLE } from './trainer-bundle';

export interface TrainerHandle {
  /** Undefined until the OS has a process (or if it never started). */
  readonly pid: number | undefined;
  /** Sends a message; silently dropped once the process has gone (its exit is reported). */
  send(message: ParentMessage): void;
  /** Raw messages: the supervisor validates them. */
  onMessage(listener: (raw: unknown) => void): void;
  /** Called exactly once, when the process is gone. */
  onExit(listener: (code: number | null, signal: NodeJS.Signals | null) => void): void;
  kill(signal?: NodeJS.Signals): void;
  /** The last ~4 KB the process wrote to stderr: the clue when it dies without a word. */
  stderrTail(): string;
}

export interface TrainerLauncher {
  launch(): TrainerHandle;
  /** Stops whatever the launcher keeps running between launches (warm-trainers.ts's spares). */
  close?(): void;
}

/** Keeps the last `limit` characters of a stream. */
export class StderrTail {
  private text = '';
  constructor(private readonly limit = 4096) {}
  push(chunk: Buffer | string): void {
    this.text = (this.text + chunk.toString()).slice(-this.limit);
  }
  value(): string {
    return this.text;
  }
}

export interface ChildProcessLauncherOptions {
  /**
   * The trainer's entry (.ts runs through tsx). Default: the bundled trainer when it is up
   * to date (trainer-bundle.ts) and no callback modules are given, else trainer-process.ts
   * next to this file.
   */
  modulePath?: string;
  /** false: always the TypeScript sources (default true). */
  bundle?: boolean;
  /** Where the trainer's stdout goes (its stderr is always kept for the tail). */
  stdout?: 'inherit' | 'ignore';
  env?: NodeJS.ProcessEnv;
  /** Callback modules every run loads (`runlab train --callback`; absolute paths). Only the CLI sets them. */
  callbackModules?: readonly string[];
  /** Also copies the trainer's stderr here as it comes (a person's callbacks write there). */
  stderrTo?: NodeJS.WritableStream;
}

const here = dirname(fileURLToPath(import.meta.url));

/** tsx's loader as an absolute URL, so the child finds it whatever its working directory. */
function tsxLoader(): string {
  return pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
}

export class ChildProcessLauncher implements TrainerLauncher {
  private readonly sourcePath: string;
  constructor(private readonly options: ChildProcessLauncherOptions = {}) {
    this.sourcePath = options.modulePath ?? join(here, 'trainer-process.ts');
  }

  /** The entry the next launch starts. */
  get modulePath(): string {
    if (this.options.modulePath !== undefined || this.options.bundle === false) return this.sourcePath;
    // Callback modules import the engine's classes from the sources: the trainer must be those same modules.
    if ((this.options.callbackModules ?? []).length > 0) return this.sourcePath;
    return bundleFresh() ? TRAINER_BUNDLE : this.sourcePath;
  }

  launch(): TrainerHandle {
    const tail = new StderrTail();
    const modulePath = this.modulePath;
    const args = (this.options.callbackModules ?? []).flatMap((file) => ['--callback', file]);
    const child = fork(modulePath, args, {
      execArgv: modulePath.endsWith('.ts') ? ['--import', tsxLoader()] : [],
      stdio: ['ignore', this.options.stdout ?? 'inherit', 'pipe', 'ipc'],
      env: this.options.env ?? process.env,
      serialization: 'json',
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      tail.push(chunk);
      this.options.stderrTo?.write(chunk);
    });

    const exit = new ExitLatch();
    // 'close' waits for stderr to drain, so the tail is complete when the exit is reported.
    child.on('close', (code, signal) => exit.report(code, signal));
    child.on('error', (error) => {
      tail.push(`\n${error.message}\n`);
      if (child.pid === undefined) exit.report(null, null);
    });

    return {
      get pid() {
        return child.pid;
      },
      send(message) {
        if (exit.exited || !child.connected) return;
        child.send(message, (error) => {
          if (error) tail.push(`\ncould not send ${message.type}: ${error.message}\n`);
        });
      },
      onMessage(listener) {
        child.on('message', listener);
      },
      onExit(listener) {
        exit.onExit(listener);
      },
      kill(signal = 'SIGTERM') {
        if (!exit.exited) child.kill(signal);
      },
      stderrTail: () => tail.value(),
    };
  }
}
