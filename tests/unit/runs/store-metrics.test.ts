/** RunStore metrics: append-only metrics.jsonl, torn-tail recovery, CSV and JSON export. */
import { appendFile, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import type { MetricRow } from '../../../src/shared/records';
import { config, epochRow, iterRow, rejection, useTempStore } from './store-fixtures';

const ctx = useTempStore();

const metricsFile = (id: string): string => join(ctx.dataDir, 'runs', id, 'metrics.jsonl');

describe('appendMetrics and readMetrics', () => {
  it('round-trips iteration and epoch rows, one JSON line each, in order', async () => {
    const run = await ctx.store.create({ config });
    expect(await ctx.store.readMetrics(run.id)).toEqual([]);
    const first: MetricRow[] = [iterRow(1), iterRow(2, Number.NaN), iterRow(3)];
    const second: MetricRow[] = [epochRow(1), iterRow(4)];
    await ctx.store.appendMetrics(run.id, first);
    await ctx.store.appendMetrics(run.id, second);
    await ctx.store.appendMetrics(run.id, []);

    const rows = await ctx.store.readMetrics(run.id);
    // NaN loss is stored as JSON null.
    expect(rows).toEqual([iterRow(1), { ...iterRow(2), loss: null }, iterRow(3), epochRow(1), iterRow(4)]);
    const lines = (await readFile(metricsFile(run.id), 'utf8')).split('\n');
    expect(lines).toHaveLength(6);
    expect(lines[5]).toBe('');
    expect(JSON.parse(lines[3] as string)).toEqual(epochRow(1));
  });

  it('keeps every row of concurrent batches, each batch contiguous', async () => {
    const run = await ctx.store.create({ config });
    await Promise.all(
      Array.from({ length: 20 }, (_, b) =>
        ctx.store.appendMetrics(
          run.id,
          Array.from({ length: 10 }, (_, i) => iterRow(b * 10 + i + 1)),
        ),
      ),
    );
    const rows = await ctx.store.readMetrics(run.id);
    expect(rows).toHaveLength(200);
    for (let start = 0; start < 200; start += 10) {
      const batch = rows.slice(start, start + 10).map((r) => r.iter);
      expect(batch).toEqual(Array.from({ length: 10 }, (_, i) => (batch[0] as number) + i));
    }
    expect(new Set(rows.map((r) => r.iter)).size).toBe(200);
  });

  it('refuses an invalid row and writes none of its batch', async () => {
    const run = await ctx.store.create({ config });
    await ctx.store.appendMetrics(run.id, [iterRow(1)]);
    const error = await rejection(ctx.store.appendMetrics(run.id, [iterRow(2), { ...iterRow(3), iter: 0 }]));
    expect(error).toMatchObject({ code: 'invalid', field: 'rows.1' });
    expect(error.message).toContain(`Metric row 2 for run ${run.id} is invalid: iter:`);
    const missing = await rejection(ctx.store.appendMetrics(run.id, [undefined as unknown as MetricRow]));
    expect(missing).toMatchObject({ code: 'invalid', field: 'rows.0' });
    expect(await ctx.store.readMetrics(run.id)).toEqual([iterRow(1)]);
  });

  it('drops a torn last line (a crash mid-append) and keeps the rows before it', async () => {
    const run = await ctx.store.create({ config });
    await ctx.store.appendMetrics(run.id, [iterRow(1), iterRow(2), iterRow(3)]);
    const whole = JSON.stringify(iterRow(4));
    await appendFile(metricsFile(run.id), whole.slice(0, Math.floor(whole.length / 2)));
    expect(await ctx.store.readMetrics(run.id)).toEqual([iterRow(1), iterRow(2), iterRow(3)]);
  });

  it('reports an invalid line in the middle, naming the file and the line', async () => {
    const run = await ctx.store.create({ config });
    const file = metricsFile(run.id);
    await writeFile(file, `${JSON.stringify(iterRow(1))}\n{"kind":"iter","iter":2,\n${JSON.stringify(iterRow(3))}\n`);
    const broken = await rejection(ctx.store.readMetrics(run.id));
    expect(broken.code).toBe('invalid');
    expect(broken.message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}, line 2 is not valid JSON`));

    await writeFile(file, `${JSON.stringify(iterRow(1))}\n${JSON.stringify({ ...iterRow(2), lr: 'fast' })}\n`);
    const wrong = await rejection(ctx.store.readMetrics(run.id));
    expect(wrong.message).toBe(`${file}, line 2 is not a metric row: lr: Invalid input: expected number, received string`);
  });

  it('reports metrics of a missing run as not_found and creates no folder for it', async () => {
    const id = '20200101-000000-beef';
    expect((await rejection(ctx.store.readMetrics(id))).code).toBe('not_found');
    expect((await rejection(ctx.store.appendMetrics(id, [iterRow(1)]))).code).toBe('not_found');
    await ctx.store.create({ config });
    expect(await readdir(join(ctx.dataDir, 'runs'))).not.toContain(id);
  });
});

describe('export', () => {
  it('exports CSV with one header for both row kinds and empty cells where a kind lacks a column', async () => {
    const run = await ctx.store.create({ config });
    await ctx.store.appendMetrics(run.id, [iterRow(1), iterRow(2, Number.NaN), epochRow(1)]);
    const file = await ctx.store.exportCsv(run.id);
    expect(file.filename).toBe(`${run.id}.csv`);
    expect(file.mime).toBe('text/csv');
    const lines = file.content.split('\n');
    expect(lines[0]).toBe('kind,iter,epoch,loss,lr,train_loss,train_accuracy,valid_loss,valid_accuracy,seconds,t');
    expect(lines[1]).toBe('iter,1,0.008,2.29,0.5,,,,,,10');
    expect(lines[2]).toBe('iter,2,0.016,,0.5,,,,,,20');
    expect(lines[3]).toBe('epoch,125,1,,,0.5,0.8,,0.9,1.5,1500');
    expect(lines.slice(4)).toEqual(['']);
    const parsed = Papa.parse<Record<string, string>>(file.content, { header: true, skipEmptyLines: true });
    expect(parsed.data).toHaveLength(3);
    expect(parsed.data[2]).toMatchObject({ kind: 'epoch', valid_accuracy: '0.9', loss: '' });
  });

  it('exports a header-only CSV for a run without metrics', async () => {
    const run = await ctx.store.create({ config });
    expect((await ctx.store.exportCsv(run.id)).content).toBe(
      'kind,iter,epoch,loss,lr,train_loss,train_accuracy,valid_loss,valid_accuracy,seconds,t\n',
    );
  });

  it('exports JSON that parses back to the run and its rows', async () => {
    const run = await ctx.store.create({ config, name: 'exported' });
    const rows = [iterRow(1), epochRow(1)];
    await ctx.store.appendMetrics(run.id, rows);
    const file = await ctx.store.exportJson(run.id);
    expect(file).toMatchObject({ filename: `${run.id}.json`, mime: 'application/json' });
    expect(JSON.parse(file.content)).toEqual({ run, metrics: rows });
  });
});
