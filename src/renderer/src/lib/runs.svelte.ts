/**
 * RunsState: the list of runs, kept in sync with 'run:updated' / 'run:deleted' pushes.
 * `entries` is a $state.raw array replaced on change (never deeply proxied); pushes are
 * applied at most once per animation frame.
 */
import type { LabApi } from '../../../shared/api';
import { isDamaged, type RunListEntry, type RunRecord } from '../../../shared/records';
import { errorMessage } from './error-message';
import { FrameBatcher } from './frame-batcher';

type Pending = { kind: 'updated'; run: RunRecord } | { kind: 'deleted'; id: string };

export class RunsState {
  entries = $state.raw<RunListEntry[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);

  /** Valid run records, newest first. */
  runs = $derived(this.entries.filter((e): e is RunRecord => !isDamaged(e)));
  byId = $derived(new Map(this.runs.map((r) => [r.id, r] as const)));
  running = $derived(this.runs.filter((r) => r.status === 'running'));
  queued = $derived(this.runs.filter((r) => r.status === 'queued'));
  /** Queued runs whose trainer process is booting: they hold a slot, they are not waiting. */
  starting = $derived(this.queued.filter((r) => r.phase === 'starting'));
  /** Queued runs waiting for a slot, in the order they will start (oldest first). */
  waiting = $derived(
    this.queued.filter((r) => r.phase !== 'starting').sort((a, b) => (a.created < b.created ? -1 : a.created > b.created ? 1 : 0)),
  );

  readonly #lab: LabApi;
  #pending = new Map<string, Pending>();
  #batcher = new FrameBatcher(() => this.#flush());
  #loadedOnce = false;

  constructor(lab: LabApi) {
    this.#lab = lab;
  }

  /** Subscribes to pushes, then loads the list; returns the unsubscribe function. */
  start(): () => void {
    const offUpdated = this.#lab.on('run:updated', (run) => this.#queue({ kind: 'updated', run }));
    const offDeleted = this.#lab.on('run:deleted', ({ id }) => this.#queue({ kind: 'deleted', id }));
    void this.load();
    return () => {
      offUpdated();
      offDeleted();
      this.#batcher.cancel();
    };
  }

  async load(): Promise<void> {
    this.loading = !this.#loadedOnce;
    try {
      const list = await this.#lab.listRuns({});
      this.entries = sortNewestFirst(list);
      this.error = null;
      this.#loadedOnce = true;
      // Pushes that arrived while the list was in flight are at least as new: re-apply them.
      if (this.#pending.size > 0) this.#flush();
    } catch (error) {
      this.error = errorMessage(error);
    } finally {
      this.loading = false;
    }
  }

  get(id: string): RunRecord | undefined {
    return this.byId.get(id);
  }

  /** Applies a record the caller already has (e.g. startRun's reply) without waiting for the push. */
  upsert(run: RunRecord): void {
    this.entries = applyUpdate(this.entries, run);
  }

  remove(id: string): void {
    this.entries = this.entries.filter((e) => e.id !== id);
  }

  #queue(p: Pending): void {
    this.#pending.set(p.kind === 'updated' ? p.run.id : p.id, p);
    if (this.#loadedOnce) this.#batcher.schedule();
  }

  #flush(): void {
    if (this.#pending.size === 0) return;
    let next = this.entries;
    for (const p of this.#pending.values()) {
      next = p.kind === 'updated' ? applyUpdate(next, p.run) : next.filter((e) => e.id !== p.id);
    }
    this.#pending.clear();
    this.entries = next;
  }
}

function sortNewestFirst(list: RunListEntry[]): RunListEntry[] {
  const created = (e: RunListEntry) => (isDamaged(e) ? '' : e.created);
  return [...list].sort((a, b) => created(b).localeCompare(created(a)));
}

/** Replaces the run with the same id, or puts a new one first. */
export function applyUpdate(entries: readonly RunListEntry[], run: RunRecord): RunListEntry[] {
  const i = entries.findIndex((e) => e.id === run.id);
  if (i === -1) return [run, ...entries];
  const next = entries.slice();
  next[i] = run;
  return next;
}
