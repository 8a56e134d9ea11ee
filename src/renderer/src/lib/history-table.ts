/**
 * The History table's rows: one per run with the values its columns sort on, text
 * filtering over name/tags/notes, and a stable sort (damaged runs always last).
 */
import { isDamaged, type DamagedRun, type RunListEntry, type RunRecord, type RunStatus } from '../../../shared/records';
import { modelLabel, runDurationMs, runName } from './run-labels';
import { runResults } from './run-results';

/**
 * Results first, so a narrow window still shows what each run achieved before scrolling;
 * Created (the default sort) right after the status, so the sort is never off-screen.
 */
export const HISTORY_COLUMNS = [
  { key: 'name', label: 'Name', numeric: false },
  { key: 'status', label: 'Status', numeric: false },
  { key: 'created', label: 'Created', numeric: false },
  { key: 'bestValidAccuracy', label: 'Best val acc', numeric: true },
  { key: 'finalValidLoss', label: 'Valid loss', numeric: true },
  { key: 'finalTrainLoss', label: 'Train loss', numeric: true },
  { key: 'model', label: 'Model', numeric: false },
  { key: 'optimizer', label: 'Optimizer', numeric: false },
  { key: 'lr', label: 'LR', numeric: true },
  { key: 'batchSize', label: 'Batch', numeric: true },
  { key: 'epochs', label: 'Epochs', numeric: true },
  { key: 'dataset', label: 'Dataset', numeric: false },
  { key: 'durationMs', label: 'Duration', numeric: true },
] as const;

export type HistoryColumn = (typeof HISTORY_COLUMNS)[number]['key'];
export type SortDir = 'asc' | 'desc';
export interface SortState {
  key: HistoryColumn;
  dir: SortDir;
}

export interface HistoryRow {
  id: string;
  run: RunRecord;
  values: Record<HistoryColumn, string | number | null>;
}

export function toHistoryRow(run: RunRecord, now: number): HistoryRow {
  const c = run.config;
  const r = runResults(run);
  return {
    id: run.id,
    run,
    values: {
      name: runName(run).toLowerCase(),
      status: run.status,
      dataset: c.dataset,
      model: modelLabel(c),
      optimizer: c.optimizer,
      lr: c.lr,
      batchSize: c.batchSize,
      epochs: c.epochs,
      bestValidAccuracy: r.best_valid_accuracy,
      finalTrainLoss: r.final?.train_loss ?? null,
      finalValidLoss: r.final?.valid_loss ?? null,
      durationMs: runDurationMs(run, now),
      created: run.created,
    },
  };
}

/** Missing values sort last in both directions; ties keep newest first. */
export function sortHistoryRows(rows: readonly HistoryRow[], sort: SortState): HistoryRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1;
  return [...rows].sort((a, b) => {
    const va = a.values[sort.key];
    const vb = b.values[sort.key];
    if (va === null && vb !== null) return 1;
    if (vb === null && va !== null) return -1;
    if (va !== null && vb !== null && va !== vb) {
      const cmp = typeof va === 'number' && typeof vb === 'number' ? va - vb : compareText(String(va), String(vb));
      if (cmp !== 0) return sign * cmp;
    }
    // ISO times of one format: plain comparison (localeCompare is slow at 1,000 rows).
    return a.run.created < b.run.created ? 1 : a.run.created > b.run.created ? -1 : 0;
  });
}

const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
/** Names sort as people read them: "run 2" before "run 10". */
function compareText(a: string, b: string): number {
  return collator.compare(a, b);
}

export type StatusFilter = RunStatus | 'all' | 'active' | 'finished';

export function matchesStatus(run: RunRecord, filter: StatusFilter): boolean {
  if (filter === 'all') return true;
  if (filter === 'active') return run.status === 'running' || run.status === 'queued';
  if (filter === 'finished') return run.status !== 'running' && run.status !== 'queued';
  return run.status === filter;
}

/** Case-insensitive match of every word against name, id, tags and notes. */
export function matchesText(run: RunRecord, text: string): boolean {
  const words = text
    .toLowerCase()
    .split(/\s+/)
    .filter((w) => w !== '');
  if (words.length === 0) return true;
  return words.every((w) => haystackOf(run).includes(w));
}

/**
 * Each record's lower-cased text, made once: a keystroke in the filter matches 1,000 runs
 * without joining and lower-casing 1,000 strings again. A changed run is a new record object
 * (pushes replace it), so a stale entry is never read.
 */
const haystacks = new WeakMap<RunRecord, string>();
function haystackOf(run: RunRecord): string {
  let text = haystacks.get(run);
  if (text === undefined) {
    text = [run.name, run.id, ...run.tags, run.notes].join('\n').toLowerCase();
    haystacks.set(run, text);
  }
  return text;
}

export interface HistoryView {
  rows: HistoryRow[];
  damaged: DamagedRun[];
  total: number;
}

export function buildHistory(
  entries: readonly RunListEntry[],
  opts: { text: string; status: StatusFilter; sort: SortState; now: number; group?: string | null },
): HistoryView {
  const view = filterHistory(entries, opts);
  return { ...view, rows: sortHistoryRows(view.rows, opts.sort) };
}

/**
 * The rows the filters keep, unsorted: History derives it apart from the sort, so a click on a
 * column header sorts the rows it has instead of rebuilding 1,000 of them.
 */
export function filterHistory(
  entries: readonly RunListEntry[],
  opts: { text: string; status: StatusFilter; now: number; group?: string | null },
): HistoryView {
  const group = opts.group ?? null;
  const runs: RunRecord[] = [];
  const damaged: DamagedRun[] = [];
  for (const e of entries) {
    if (isDamaged(e)) damaged.push(e);
    else runs.push(e);
  }
  const filtered = runs.filter((r) => (group === null || r.group === group) && matchesStatus(r, opts.status) && matchesText(r, opts.text));
  // A damaged run has no group to match.
  const shownDamaged =
    opts.status === 'all' && group === null
      ? damaged.filter((d) => opts.text.trim() === '' || `${d.id} ${d.reason}`.toLowerCase().includes(opts.text.trim().toLowerCase()))
      : [];
  return { rows: filtered.map((r) => historyRowOf(r, opts.now)), damaged: shownDamaged, total: entries.length };
}

/**
 * A finished run's row does not change with the clock: it is made once per record (the clock's
 * tick rebuilds only the rows of runs still going).
 */
const finishedRows = new WeakMap<RunRecord, HistoryRow>();
function historyRowOf(run: RunRecord, now: number): HistoryRow {
  if (!run.ended) return toHistoryRow(run, now);
  let row = finishedRows.get(run);
  if (row === undefined) {
    row = toHistoryRow(run, now);
    finishedRows.set(run, row);
  }
  return row;
}
