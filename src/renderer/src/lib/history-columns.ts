/**
 * The History table's layout: a fixed width per column (rows are virtualized, so widths
 * cannot follow the rows on screen), which columns show by default, and the person's
 * choice of columns kept in localStorage. The default set fits a 1280-pixel window; the
 * others are a click away in the columns chooser.
 */
import { HISTORY_COLUMNS, type HistoryColumn } from './history-table';

/** Pixel widths; Name takes what is left (at least NAME_MIN_WIDTH). */
export const COLUMN_WIDTHS: Record<Exclude<HistoryColumn, 'name'>, number> = {
  status: 116,
  created: 96,
  bestValidAccuracy: 96,
  finalValidLoss: 80,
  finalTrainLoss: 80,
  model: 92,
  optimizer: 90,
  lr: 56,
  batchSize: 60,
  epochs: 60,
  dataset: 112,
  durationMs: 76,
};
export const NAME_MIN_WIDTH = 176;
export const CHECK_WIDTH = 36;
export const ACTIONS_WIDTH = 44;

/** Always shown: a row without its name or status means nothing. */
export const FIXED_COLUMNS: readonly HistoryColumn[] = ['name', 'status'];

export const DEFAULT_COLUMNS: readonly HistoryColumn[] = [
  'name',
  'status',
  'created',
  'bestValidAccuracy',
  'finalValidLoss',
  'model',
  'optimizer',
  'lr',
  'epochs',
  'durationMs',
];

const STORAGE_KEY = 'runlab.history.columns';

/** The part of localStorage used here (typed here: unit tests type-check without the DOM library). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** The chosen columns in table order; unknown keys are dropped, fixed ones always kept. */
export function normalizeColumns(keys: readonly string[]): HistoryColumn[] {
  const wanted = new Set([...FIXED_COLUMNS, ...keys]);
  return HISTORY_COLUMNS.map((c) => c.key).filter((k) => wanted.has(k));
}

export function loadColumns(storage: Pick<KeyValueStore, 'getItem'> | null = safeStorage()): HistoryColumn[] {
  try {
    const raw = storage?.getItem(STORAGE_KEY);
    const parsed: unknown = raw ? JSON.parse(raw) : null;
    if (Array.isArray(parsed) && parsed.every((k) => typeof k === 'string')) return normalizeColumns(parsed);
  } catch {
    // A hand-edited or foreign value: fall back to the defaults.
  }
  return [...DEFAULT_COLUMNS];
}

export function saveColumns(keys: readonly HistoryColumn[], storage: Pick<KeyValueStore, 'setItem'> | null = safeStorage()): void {
  try {
    storage?.setItem(STORAGE_KEY, JSON.stringify(keys));
  } catch {
    // Storage full or disabled: the choice lasts for this page only.
  }
}

/** The table's minimum width for these columns (wider windows give Name the rest). */
export function tableMinWidth(keys: readonly HistoryColumn[]): number {
  return keys.reduce((sum, k) => sum + (k === 'name' ? NAME_MIN_WIDTH : COLUMN_WIDTHS[k]), CHECK_WIDTH + ACTIONS_WIDTH);
}

export function safeStorage(): KeyValueStore | null {
  try {
    // Reading localStorage throws where storage is disabled; it is absent outside a browser.
    return (globalThis as { localStorage?: KeyValueStore }).localStorage ?? null;
  } catch {
    return null;
  }
}
