/**
 * WarmTrainers: a TrainerLauncher that keeps a spare trainer process started and prepared
 * — its code loaded, the default backend initialised, the shipped dataset read from the
 * cache (the trainer protocol's `prepare`) — so that Start hands a run to a process that only
 * has to build the model and train. A spare is started when the launcher is made (while
 * the person fills in the form) and again a little after each hand-over; one that dies
 * before it is used is replaced, with a growing pause, and after a few such deaths in a row
 * no more are started (each launch then starts a process of its own, as without the pool).
 * Wraps any launcher (child processes, Electron's utility processes).
 */
import { parseChildMessage } from './trainer-protocol';
import type { TrainerHandle, TrainerLauncher } from './trainer-launcher';

export interface WarmTrainersOptions {
  /** Spare processes kept ready (default 1). */
  spares?: number;
  /** The cache the spares read the shipped dataset from: the supervisor's cacheDir. */
  cacheDir: string | null;
  /** How long after a hand-over the next spare starts, so it does not slow the run's first steps (default 2 s). */
  refillDelayMs?: number;
  /** The pause before replacing a spare that died unused, times the deaths in a row (default 1 s). */
  retryMs?: number;
}

interface Spare {
  handle: TrainerHandle;
  exited: boolean;
  prepared: boolean;
}

/** Spares that died unused in a row before the pool stops starting them. */
const MAX_EARLY_DEATHS = 3;

export class WarmTrainers implements TrainerLauncher {
  private readonly wanted: number;
  private readonly refillDelayMs: number;
  private readonly retryMs: number;
  private readonly spares: Spare[] = [];
  private readonly waiters: (() => void)[] = [];
  private refillTimer: NodeJS.Timeout | null = null;
  private earlyDeaths = 0;
  private closed = false;

  constructor(
    private readonly inner: TrainerLauncher,
    private readonly options: WarmTrainersOptions,
  ) {
    this.wanted = Math.max(0, Math.floor(options.spares ?? 1));
    this.refillDelayMs = options.refillDelayMs ?? 2000;
    this.retryMs = options.retryMs ?? 1000;
    this.fill();
  }

  /** A prepared spare if one is there, else the one still preparing, else a new process. */
  launch(): TrainerHandle {
    const live = this.spares.filter((s) => !s.exited);
    const spare = live.find((s) => s.prepared) ?? live[0];
    if (spare) this.spares.splice(this.spares.indexOf(spare), 1);
    this.scheduleFill();
    return spare?.handle ?? this.inner.launch();
  }

  /** Spares alive now (their pids), and how many of them are prepared. */
  get status(): { spares: number; prepared: number; pids: (number | undefined)[] } {
    const live = this.spares.filter((s) => !s.exited);
    return { spares: live.length, prepared: live.filter((s) => s.prepared).length, pids: live.map((s) => s.handle.pid) };
  }

  /** Resolves once a prepared spare is waiting (for tests and the benchmark). */
  whenPrepared(): Promise<void> {
    if (this.status.prepared > 0) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Stops the spares; later launches start processes of their own. */
  close(): void {
    this.closed = true;
    if (this.refillTimer) clearTimeout(this.refillTimer);
    for (const spare of this.spares.splice(0)) spare.handle.kill('SIGKILL');
  }

  private scheduleFill(delay = this.refillDelayMs): void {
    if (this.closed || this.refillTimer) return;
    this.refillTimer = setTimeout(() => {
      this.refillTimer = null;
      this.fill();
    }, delay);
    this.refillTimer.unref();
  }

  private fill(): void {
    while (!this.closed && this.earlyDeaths < MAX_EARLY_DEATHS && this.spares.filter((s) => !s.exited).length < this.wanted) {
      let handle: TrainerHandle;
      try {
        handle = this.inner.launch();
      } catch {
        this.earlyDeaths++;
        continue;
      }
      const spare: Spare = { handle, exited: false, prepared: false };
      this.spares.push(spare);
      handle.onMessage((raw) => {
        const parsed = parseChildMessage(raw);
        if (!parsed.ok || parsed.message.type !== 'prepared' || !this.spares.includes(spare)) return;
        spare.prepared = true;
        this.earlyDeaths = 0;
        for (const resolve of this.waiters.splice(0)) resolve();
      });
      handle.onExit(() => {
        spare.exited = true;
        const index = this.spares.indexOf(spare);
        if (index < 0) return; // handed over: the supervisor sees its exit
        this.spares.splice(index, 1);
        this.earlyDeaths++;
        this.scheduleFill(this.retryMs * this.earlyDeaths);
      });
      handle.send({ type: 'prepare', cacheDir: this.options.cacheDir });
    }
  }
}
