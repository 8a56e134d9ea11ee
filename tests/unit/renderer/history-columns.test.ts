import { describe, expect, it } from 'vitest';
import { DEFAULT_COLUMNS, loadColumns, normalizeColumns, saveColumns, tableMinWidth } from '../../../src/renderer/src/lib/history-columns';

function memoryStorage(initial: Record<string, string> = {}) {
  const data = new Map(Object.entries(initial));
  return { getItem: (k: string) => data.get(k) ?? null, setItem: (k: string, v: string) => void data.set(k, v), data };
}

describe('History columns', () => {
  it('keeps table order, always keeps Name and Status, drops unknown keys', () => {
    expect(normalizeColumns(['lr', 'created', 'nope', 'created'])).toEqual(['name', 'status', 'created', 'lr']);
  });

  it('remembers a choice and falls back to the defaults on a missing or foreign value', () => {
    const storage = memoryStorage();
    expect(loadColumns(storage)).toEqual(DEFAULT_COLUMNS);
    saveColumns(['name', 'status', 'dataset'], storage);
    expect(loadColumns(storage)).toEqual(['name', 'status', 'dataset']);
    expect(loadColumns(memoryStorage({ 'runlab.history.columns': '{not json' }))).toEqual(DEFAULT_COLUMNS);
    expect(loadColumns(memoryStorage({ 'runlab.history.columns': '[1,2]' }))).toEqual(DEFAULT_COLUMNS);
  });

  it('fits the default columns in a 1280-pixel window beside the sidebar (1,038 px, less a scrollbar)', () => {
    expect(DEFAULT_COLUMNS).toContain('created');
    expect(tableMinWidth(DEFAULT_COLUMNS)).toBeLessThanOrEqual(1038 - 15);
  });
});
