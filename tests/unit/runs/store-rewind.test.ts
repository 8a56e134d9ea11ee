/**
 * RunStore.rewindMetrics (a resume from a checkpoint): rows after the checkpoint go, every
 * other line stays as it was, a torn last line goes, and a file with nothing to cut is left
 * untouched — streamed, so a run with many rows rewinds without holding them.
 */
import { appendFile, readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../../../src/shared/records';
import { config, epochRow, iterRow, useTempStore } from './store-fixtures';

const ctx = useTempStore();
const metricsFile = (id: string): string => join(ctx.dataDir, 'runs', id, 'metrics.jsonl');

/** Iterations 1…n with an epoch row after every 125th. */
function rows(n: number): MetricRow[] {
  const out: MetricRow[] = [];
  for (let i = 1; i <= n; i++) {
    out.push(iterRow(i));
    if (i % 125 === 0) out.push(epochRow(i / 125));
  }
  return out;
}

describe('rewindMetrics', () => {
  it('keeps rows up to the checkpoint and lines that are not rows; drops a torn last line', async () => {
    const run = await ctx.store.create({ config });
    await ctx.store.appendMetrics(run.id, rows(300));
    // A line a person or a broken tool left, between rows, and a crash mid-append at the end.
    const file = metricsFile(run.id);
    await appendFile(file, 'not a row\n');
    await ctx.store.appendMetrics(run.id, [iterRow(301)]);
    await appendFile(file, '{"kind":"iter","iter":302,"ep');

    const result = await ctx.store.rewindMetrics(run.id, { iter: 250, epoch: 2 });
    expect(result).toEqual({ epochs: [epochRow(1), epochRow(2)], kept: 252, dropped: 51 });
    const lines = (await readFile(file, 'utf8')).split('\n');
    expect(lines).toHaveLength(254);
    expect(lines.at(-2)).toBe('not a row');
    expect(lines.at(-1)).toBe('');
    expect(await ctx.store.readMetrics(run.id)).toEqual(rows(250));
    expect((await ctx.store.metricsStatus(run.id)).rows).toBe(252);
    // No temp file left beside it.
    expect((await readdir(join(ctx.dataDir, 'runs', run.id))).filter((n) => n.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves a file with nothing to cut as it is (same file, same bytes)', async () => {
    const run = await ctx.store.create({ config });
    await ctx.store.appendMetrics(run.id, rows(250));
    const before = await stat(metricsFile(run.id));
    const bytes = await readFile(metricsFile(run.id));
    const result = await ctx.store.rewindMetrics(run.id, { iter: 250, epoch: 2 });
    expect(result).toMatchObject({ kept: 252, dropped: 0 });
    const after = await stat(metricsFile(run.id));
    expect(after.ino).toBe(before.ino);
    expect((await readFile(metricsFile(run.id))).equals(bytes)).toBe(true);
  });

  it('rewinds a run of 200,000 rows, and one with no metrics file yet', async () => {
    const run = await ctx.store.create({ config });
    const many = rows(200_000);
    for (let i = 0; i < many.length; i += 20_000) await ctx.store.appendMetrics(run.id, many.slice(i, i + 20_000));
    const result = await ctx.store.rewindMetrics(run.id, { iter: 100_000, epoch: 800 });
    expect(result.kept).toBe(100_800);
    expect(result.dropped).toBe(many.length - 100_800);
    expect(result.epochs.at(-1)).toEqual(epochRow(800));
    expect((await ctx.store.metricsStatus(run.id)).rows).toBe(100_800);

    const empty = await ctx.store.create({ config });
    expect(await ctx.store.rewindMetrics(empty.id, { iter: 10, epoch: 1 })).toEqual({ epochs: [], kept: 0, dropped: 0 });
  });
});
