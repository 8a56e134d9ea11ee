/**
 * Metric series per run: a getMetrics snapshot, then rows from 'run:metrics' pushes.
 *
 * The point arrays live OUTSIDE reactivity (plain arrays in a RunSeries, appended in place:
 * proxying 50,000 points would cost more than drawing them). What is reactive is
 * `version`, bumped at most once per animation frame after rows arrive; charts and stat
 * tiles read it to know when to redraw.
 */
import type { LabApi } from '../../../shared/api';
import { justRewound, rowsGeneration, type MetricRow } from '../../../shared/records';
import { errorMessage } from './error-message';
import { FrameBatcher } from './frame-batcher';
import { appendRows, emptySeries, type RunSeries } from './series';

export class RunMetrics {
  readonly id: string;
  /** Plain arrays, mutated in place: read them after reading `version`. */
  readonly series: RunSeries = emptySeries();
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  version = $state(0);

  #early: MetricRow[] = [];
  #dirty = false;
  #batcher = new FrameBatcher(() => {
    if (!this.#dirty) return;
    this.#dirty = false;
    this.version += 1;
  });

  constructor(id: string) {
    this.id = id;
  }

  /** Rows pushed before the snapshot came back are kept and appended after it (deduplicated). */
  ingest(rows: readonly MetricRow[]): void {
    if (this.status === 'loading') {
      this.#early.push(...rows);
      return;
    }
    if (appendRows(this.series, rows) > 0) this.#markDirty();
  }

  setSnapshot(rows: readonly MetricRow[]): void {
    appendRows(this.series, rows);
    appendRows(this.series, this.#early);
    this.#early = [];
    this.status = 'ready';
    this.error = null;
    this.#markDirty();
  }

  setError(message: string): void {
    this.status = 'error';
    this.error = message;
  }

  dispose(): void {
    this.#batcher.cancel();
  }

  #markDirty(): void {
    this.#dirty = true;
    this.#batcher.schedule();
  }
}

/** Keeps the series of recently viewed runs; the oldest beyond `capacity` are dropped. */
export class MetricsCache {
  readonly #lab: LabApi;
  readonly #capacity: number;
  #entries = new Map<string, RunMetrics>();
  #generations = new Map<string, number>();

  constructor(lab: LabApi, capacity = 24) {
    this.#lab = lab;
    this.#capacity = capacity;
  }

  start(): () => void {
    const offMetrics = this.#lab.on('run:metrics', ({ id, rows }) => this.#entries.get(id)?.ingest(rows));
    // A resumed run dropped its rows after the checkpoint: its series is fetched again on next use.
    const offUpdated = this.#lab.on('run:updated', (run) => {
      const generation = rowsGeneration(run);
      const known = this.#generations.get(run.id);
      this.#generations.set(run.id, generation);
      if (justRewound(run) || (known !== undefined && known !== generation)) this.forget(run.id);
    });
    return () => {
      offMetrics();
      offUpdated();
    };
  }

  /** The series of one run, loading it on first use. */
  get(id: string): RunMetrics {
    return this.getMany([id])[0] as RunMetrics;
  }

  /** Series for several runs, fetched in one getMetrics call for those not cached yet. */
  getMany(ids: readonly string[]): RunMetrics[] {
    const missing: string[] = [];
    const out = ids.map((id) => {
      let entry = this.#entries.get(id);
      if (entry) {
        // Refresh recency.
        this.#entries.delete(id);
        this.#entries.set(id, entry);
      } else {
        entry = new RunMetrics(id);
        this.#entries.set(id, entry);
        missing.push(id);
      }
      return entry;
    });
    if (missing.length > 0) void this.#fetch(missing);
    this.#evict(new Set(ids));
    return out;
  }

  /** Forgets a run (deleted), or all runs that failed to load so they can be retried. */
  forget(id: string): void {
    this.#entries.get(id)?.dispose();
    this.#entries.delete(id);
  }

  async #fetch(ids: string[]): Promise<void> {
    for (let i = 0; i < ids.length; i += 50) {
      const chunk = ids.slice(i, i + 50);
      try {
        const byId = await this.#lab.getMetrics({ ids: chunk });
        for (const id of chunk) this.#entries.get(id)?.setSnapshot(byId[id] ?? []);
      } catch (error) {
        const message = errorMessage(error);
        for (const id of chunk) {
          const entry = this.#entries.get(id);
          if (entry) {
            entry.setError(message);
            // Let the next view of this run try again.
            this.#entries.delete(id);
          }
        }
      }
    }
  }

  #evict(keep: Set<string>): void {
    for (const id of this.#entries.keys()) {
      if (this.#entries.size <= this.#capacity) break;
      if (!keep.has(id)) this.forget(id);
    }
  }
}
