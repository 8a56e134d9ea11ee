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

  it("reads around an invalid line in the middle, and counts and names it in the run's metrics status", async () => {
    const run = await ctx.store.create({ config });
    const file = metricsFile(run.id);
    await writeFile(file, `${JSON.stringify(iterRow(1))}\n{"kind":"iter","iter":2,\n${JSON.stringify(iterRow(3))}\n`);
    expect(await ctx.store.readMetrics(run.id)).toEqual([iterRow(1), iterRow(3)]);
    expect(await ctx.store.metricsStatus(run.id)).toEqual({
      rows: 2,
      iterRows: 2,
      epochRows: 0,
      skippedLines: 1,
      damage: `1 line of ${file} is not a metric row and was skipped (line 2; line 2 is not valid JSON (Expected double-quoted property name at position 24))`,
    });

    await writeFile(file, `${JSON.stringify(iterRow(1))}\n${JSON.stringify({ ...iterRow(2), lr: 'fast' })}\n`);
    expect(await ctx.store.readMetrics(run.id)).toEqual([iterRow(1)]);
    expect((await ctx.store.metricsStatus(run.id)).damage).toBe(
      `1 line of ${file} is not a metric row and was skipped (line 2; line 2 is not a metric row: lr: Invalid input: expected number, received string)`,
    );
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
  it('exports the epochs as one CSV table: units in the headers, no float noise, named after the run', async () => {
    const run = await ctx.store.create({ config, name: 'lr 0.5 / baseline #2' });
    const noisy = { ...epochRow(1), train_loss: 0.1 + 0.2, seconds: 1.23456789, t: 1500.4 };
    await ctx.store.appendMetrics(run.id, [iterRow(1), iterRow(2, Number.NaN), noisy, epochRow(2)]);
    const file = await ctx.store.exportCsv(run.id);
    expect(file).toMatchObject({ filename: 'lr-0.5-baseline-2-epochs.csv', mime: 'text/csv' });
    expect(file.content.split('\n')).toEqual([
      'epoch,iteration,train_loss,train_accuracy,valid_loss,valid_accuracy,epoch_time_s,elapsed_s',
      '1,125,0.3,0.8,,0.9,1.235,1.5',
      '2,250,0.25,0.8,,0.9,1.5,3',
      '',
    ]);
    const parsed = Papa.parse<Record<string, string>>(file.content, { header: true, skipEmptyLines: true });
    expect(parsed.data).toHaveLength(2);
    expect(parsed.data[0]).toMatchObject({ epoch: '1', valid_accuracy: '0.9', valid_loss: '' });
  });

  it('exports the iterations as their own CSV table, a diverged loss as an empty cell', async () => {
    const run = await ctx.store.create({ config, name: 'iters' });
    await ctx.store.appendMetrics(run.id, [iterRow(1), iterRow(2, Number.NaN), epochRow(1), { ...iterRow(3), epoch: 0.1 + 0.2 - 0.276 }]);
    const file = await ctx.store.exportCsv(run.id, 'iterations');
    expect(file.filename).toBe('iters-iterations.csv');
    expect(file.content.split('\n')).toEqual([
      'iteration,epoch,loss,lr,elapsed_s',
      '1,0.008,2.29,0.5,0.01',
      '2,0.016,,0.5,0.02',
      '3,0.024,2.27,0.5,0.03',
      '',
    ]);
  });

  it('exports header-only CSVs for a run without metrics, and names a nameless-looking run by its id', async () => {
    const run = await ctx.store.create({ config, name: '★ ★' });
    const epochs = await ctx.store.exportCsv(run.id, 'epochs');
    expect(epochs.content).toBe('epoch,iteration,train_loss,train_accuracy,valid_loss,valid_accuracy,epoch_time_s,elapsed_s\n');
    expect(epochs.filename).toBe(`${run.id}-epochs.csv`);
    expect((await ctx.store.exportCsv(run.id, 'iterations')).content).toBe('iteration,epoch,loss,lr,elapsed_s\n');
  });

  it('exports JSON with the run as a person knows it, without internal fields, and both tables', async () => {
    const run = await ctx.store.create({ config, name: 'exported' });
    await ctx.store.appendMetrics(run.id, [iterRow(1), epochRow(1)]);
    const file = await ctx.store.exportJson(run.id);
    expect(file).toMatchObject({ filename: 'exported.json', mime: 'application/json' });
    const parsed = JSON.parse(file.content) as Record<string, unknown> & { run: Record<string, unknown> };
    expect(Object.keys(parsed)).toEqual(['format', 'run', 'epochs', 'iterations']);
    expect(parsed.run).toMatchObject({ id: run.id, name: 'exported', status: 'queued', config });
    for (const internal of ['owner_pid', 'owner_started', 'schema', 'progress']) expect(parsed.run).not.toHaveProperty(internal);
    expect(parsed.epochs).toEqual([
      {
        epoch: 1,
        iteration: 125,
        train_loss: 0.5,
        train_accuracy: 0.8,
        valid_loss: null,
        valid_accuracy: 0.9,
        epoch_time_s: 1.5,
        elapsed_s: 1.5,
      },
    ]);
    expect(parsed.iterations).toEqual([{ iteration: 1, epoch: 0.008, loss: 2.29, lr: 0.5, elapsed_s: 0.01 }]);
  });
});
