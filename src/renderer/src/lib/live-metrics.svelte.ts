/**
 * Metric series per run: a getMetrics snapshot (for a run too big to send whole, a
 * chart-resolution view of it: view-series.ts), then rows from 'run:metrics' pushes.
 *
 * The point arrays live OUTSIDE reactivity (plain arrays in a RunSeries, appended in place:
 * proxying 50,000 points would cost more than drawing them). What is reactive is
 * `version`, bumped at most once per animation frame after rows arrive; charts and stat
 * tiles read it to know when to redraw.
 */
import type { LabApi } from '../../../shared/api';
import { METRICS_MAX_REPLY_ROWS, METRICS_MAX_ROWS } from '../../../shared/metrics-view';
import { justRewound, rowsGeneration, type MetricRow } from '../../../shared/records';
import { errorMessage } from './error-message';
import { FrameBatcher } from './frame-batcher';
import { appendRows, emptySeries, type RunSeries } from './series';
import { VIEW_BUCKETS, viewRows } from './view-series';

export class RunMetrics {
  readonly id: string;
  /** Plain arrays, mutated in place: read them after reading `version`. */
  readonly series: RunSeries = emptySeries();
  status = $state<'loading' | 'ready' | 'error'>('loading');
  error = $state<string | null>(null);
  version = $state(0);
  /** The series hold a chart-resolution view (a run too big to send whole), not every row. */
  coarse = $state(false);
  /** Lines of the run's metrics.jsonl that are not rows and were skipped, in a sentence (null: none). */
  damage = $state<string | null>(null);

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

  /** `coarse`: the rows are a chart-resolution view of a big run (view-series.ts), not every row. */
  setSnapshot(rows: readonly MetricRow[], coarse = false): void {
    this.coarse = coarse;
    appendRows(this.series, rows);
    appendRows(this.series, this.#early);
    this.#early = [];
    this.status = 'ready';
    this.error = null;
    this.#markDirty();
  }

  setDamage(damage: string | null): void {
    this.damage = damage;
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

/**
 * Runs small enough to send whole (METRICS_MAX_ROWS each), in groups within one reply's limit,
 * and the big ones, which are read as views.
 */
function bySize(ids: readonly string[], rowsOf: (id: string) => number): { small: string[][]; big: string[] } {
  const small: string[][] = [];
  const big: string[] = [];
  let group: string[] = [];
  let total = 0;
  for (const id of ids) {
    const rows = rowsOf(id);
    if (rows > METRICS_MAX_ROWS) {
      big.push(id);
      continue;
    }
    if (group.length > 0 && total + rows > METRICS_MAX_REPLY_ROWS) {
      small.push(group);
      group = [];
      total = 0;
    }
    group.push(id);
    total += rows;
  }
  if (group.length > 0) small.push(group);
  return { small, big };
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
        // How big each run is (a one-bucket view): small runs come whole, big ones at chart resolution.
        const sizes = await this.#lab.getMetricsView({ ids: chunk, buckets: 1 });
        for (const id of chunk) this.#entries.get(id)?.setDamage(sizes[id]?.damage ?? null);
        const { small, big } = bySize(chunk, (id) => sizes[id]?.rows ?? 0);
        for (const group of small) {
          const byId = await this.#lab.getMetrics({ ids: group });
          for (const id of group) this.#entries.get(id)?.setSnapshot(byId[id] ?? []);
        }
        for (const id of big) {
          const view = (await this.#lab.getMetricsView({ ids: [id], buckets: VIEW_BUCKETS }))[id];
          this.#entries.get(id)?.setSnapshot(view ? viewRows(view) : [], true);
        }
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
