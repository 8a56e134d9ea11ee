/**
 * ExitLatch: a process's exit, reported once; a listener added after the exit still hears it.
 * Both trainer launchers (child_process and Electron's utilityProcess) keep their exit here.
 */
export type ExitListener = (code: number | null, signal: NodeJS.Signals | null) => void;

export class ExitLatch {
  private listeners: ExitListener[] = [];
  private exit: { code: number | null; signal: NodeJS.Signals | null } | null = null;

  get exited(): boolean {
    return this.exit !== null;
  }

  /** Records the exit; later calls are ignored (a process exits once, however it is told). */
  report(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.exit) return;
    this.exit = { code, signal };
    for (const listener of this.listeners) listener(code, signal);
    this.listeners = [];
  }

  onExit(listener: ExitListener): void {
    if (this.exit) listener(this.exit.code, this.exit.signal);
    else this.listeners.push(listener);
  }
}
