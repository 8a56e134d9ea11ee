/**
 * MetricsReader: the MetricsIndex of each metrics.jsonl this process reads, kept between
 * requests (least recently used dropped beyond a memory budget) and brought up to date
 * before each use, one use at a time per file. A live run's index grows by what was appended
 * since the last read; a 1M-row run's second view costs milliseconds.
 */
import { stat } from 'node:fs/promises';
import type { MetricsPage, MetricsView } from '../../../shared/metrics-view';
import type { MetricRow } from '../../../shared/records';
import { KeyedMutex } from './keyed-mutex';
import { lastIterRow, MetricsIndex, type RowKind } from './metrics-index';
import { loadIndex, saveIndex } from './metrics-index-file';
import { readRows } from './metrics-pages';
import { computeView, type ViewRequest } from './metrics-view';
import { TimeSlice } from './time-slice';

/** Columns of about 12M iteration rows; a bigger index is read again per request rather than kept. */
export const INDEX_BUDGET_BYTES = 256 * 1024 * 1024;

export interface MetricsStatus {
  rows: number;
  iterRows: number;
  epochRows: number;
  skippedLines: number;
  damage: string | null;
}

/** Per process, keyed by file: every RunStore on the same data folder shares them. */
const indexes = new Map<string, MetricsIndex>();
const locks = new KeyedMutex();

export class MetricsReader {
  /** `use` runs with the file's index up to date; null when the file does not exist. */
  static async with<T>(file: string, use: (index: MetricsIndex | null, slice: TimeSlice) => Promise<T>): Promise<T> {
    return locks.run(file, async () => {
      const slice = new TimeSlice();
      let index = indexes.get(file);
      if (index) indexes.delete(file); // re-inserted below: most recently used last
      index ??= (await savedIndex(file)) ?? new MetricsIndex(file);
      const exists = await index.refresh(slice);
      if (!exists) return use(null, slice);
      indexes.set(file, index);
      try {
        return await use(index, slice);
      } finally {
        maybeSave(index);
        evict(file);
      }
    });
  }

  static async status(file: string): Promise<MetricsStatus> {
    return MetricsReader.with(file, async (index) => ({
      rows: index?.rows ?? 0,
      iterRows: index?.iter.length ?? 0,
      epochRows: index?.epoch.length ?? 0,
      skippedLines: index?.skipped ?? 0,
      damage: index?.damage() ?? null,
    }));
  }

  static async rows(
    file: string,
    kind: RowKind,
    offset: number,
    limit: number,
  ): Promise<{ rows: MetricRow[]; total: number; status: MetricsStatus }> {
    return MetricsReader.with(file, async (index, slice) => {
      if (!index) return { rows: [], total: 0, status: { rows: 0, iterRows: 0, epochRows: 0, skippedLines: 0, damage: null } };
      const rows = await readRows(index, kind, offset, limit, slice);
      return {
        rows,
        total: index.count(kind),
        status: {
          rows: index.rows,
          iterRows: index.iter.length,
          epochRows: index.epoch.length,
          skippedLines: index.skipped,
          damage: index.damage(),
        },
      };
    });
  }

  static async page(id: string, file: string, kind: RowKind, offset: number, limit: number): Promise<MetricsPage> {
    const { rows, total, status } = await MetricsReader.rows(file, kind, offset, limit);
    const next = offset + rows.length < total && rows.length > 0 ? offset + rows.length : null;
    return { id, offset, rows, total, next, skippedLines: status.skippedLines, damage: status.damage };
  }

  static async view(id: string, file: string, request: ViewRequest): Promise<MetricsView> {
    return MetricsReader.with(file, async (index, slice) => {
      const view = await computeView(id, index ?? new MetricsIndex(file), request, slice);
      if (index) view.last.iter = await lastIterRow(index);
      return view;
    });
  }

  /** Forget a file (its run was deleted). */
  static forget(file: string): void {
    indexes.delete(file);
    savedRows.delete(file);
  }

  /** Resolves once the index saves started so far have finished (for tests and the bench). */
  static async settled(): Promise<void> {
    await Promise.all([...saving.values()]);
  }

  /** Bytes held by the kept indexes (for tests and the bench). */
  static get heldBytes(): number {
    let total = 0;
    for (const index of indexes.values()) total += index.bytes;
    return total;
  }
}

/** Runs with fewer rows read fast enough from metrics.jsonl; bigger ones keep their index on disk. */
export const SAVE_MIN_ROWS = 100_000;
/** Rows each file's index held when last saved (or loaded). */
const savedRows = new Map<string, number>();
const saving = new Map<string, Promise<void>>();

/** The index saved beside the file, if it still describes it (metrics-index-file.ts). */
async function savedIndex(file: string): Promise<MetricsIndex | null> {
  const info = await stat(file).catch(() => null);
  if (!info) return null;
  const index = await loadIndex(file, `${info.dev}:${info.ino}`, info.size);
  if (index) savedRows.set(file, index.rows);
  return index;
}

/** Saves a big index in the background when it is new or has grown by a fifth since it was saved. */
function maybeSave(index: MetricsIndex): void {
  const before = savedRows.get(index.file) ?? 0;
  if (index.rows < SAVE_MIN_ROWS || index.rows < before * 1.2 || saving.has(index.file)) return;
  savedRows.set(index.file, index.rows);
  const done = saveIndex(index)
    .then(() => undefined)
    .finally(() => saving.delete(index.file));
  saving.set(index.file, done);
}

/** Drops the least recently used indexes beyond the budget; the one just used goes last of all. */
function evict(current: string): void {
  let total = MetricsReader.heldBytes;
  for (const [file, index] of indexes) {
    if (total <= INDEX_BUDGET_BYTES) break;
    if (file === current && indexes.size > 1) continue;
    indexes.delete(file);
    total -= index.bytes;
  }
}
