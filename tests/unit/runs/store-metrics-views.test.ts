/**
 * Metrics at scale (issue 12, case 4), at sizes that run in seconds: the store's view of a run
 * (per bucket min, max and mean) agrees with the same numbers worked out from the rows by
 * hand, keeps a one-row spike, zooms, handles every axis, diverged values and rows out of
 * order; pages put back together are exactly the rows; the index follows appends and a
 * replaced file. The 1M- and 5M-row figures are in `npm run bench` (bench/store-metrics.ts).
 */
import { existsSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MetricsView } from '../../../src/shared/metrics-view';
import type { EpochRow, IterRow, MetricRow } from '../../../src/shared/records';
import { toJsonl } from '../../../src/main/runs/store/jsonl';
import { INDEX_FILE } from '../../../src/main/runs/store/metrics-index-file';
import { MetricsReader, SAVE_MIN_ROWS } from '../../../src/main/runs/store/metrics-reader';
import { config, useTempStore } from './store-fixtures';

const ctx = useTempStore();

/** A run of `n` iterations, 100 per epoch, with a noisy falling loss, one spike and a few diverged values. */
function rows(n: number, spikeAt = Math.floor(n * 0.37)): MetricRow[] {
  const out: MetricRow[] = [];
  let seed = 7;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 1; i <= n; i++) {
    const loss = i === spikeAt ? 1000 : i % 997 === 0 ? null : 2.3 * Math.exp(-i / (n / 3)) + random() * 0.05;
    out.push({ kind: 'iter', iter: i, epoch: i / 100, loss, lr: 0.5 * (1 - i / (n + 1)), t: i * 3.7 });
    if (i % 100 === 0) {
      const e: EpochRow = {
        kind: 'epoch',
        epoch: i / 100,
        iter: i,
        train_loss: 1 / i,
        train_accuracy: 0.5 + i / (4 * n),
        valid_loss: 1.5 / i,
        valid_accuracy: 0.4 + i / (4 * n),
        seconds: 0.37,
        t: i * 3.7,
      };
      out.push(e);
    }
  }
  return out;
}

/** The view worked out from the rows themselves, as the API describes it. */
function reference(all: MetricRow[], axis: 'iter' | 'epoch' | 'time', buckets: number, from: number, to: number) {
  const xOf = (r: MetricRow) => (axis === 'iter' ? r.iter : axis === 'epoch' ? Math.fround(r.epoch) : Math.fround(r.t) / 1000);
  const iters = all.filter((r): r is IterRow => r.kind === 'iter' && xOf(r) >= from && xOf(r) <= to);
  const width = (to - from) / buckets;
  const groups = new Map<number, IterRow[]>();
  for (const r of iters) {
    const b = Math.min(buckets - 1, width > 0 ? Math.floor((xOf(r) - from) / width) : 0);
    groups.set(b, [...(groups.get(b) ?? []), r]);
  }
  const keys = [...groups.keys()].sort((a, b) => a - b);
  const stats = (values: (number | null)[]) => {
    const v = values.filter((y): y is number => y !== null).map(Math.fround);
    if (v.length === 0) return { min: null, max: null, mean: null };
    return { min: Math.min(...v), max: Math.max(...v), mean: v.reduce((a, b) => a + b, 0) / v.length };
  };
  return {
    rows: iters.length,
    count: keys.map((k) => groups.get(k)!.length),
    loss: keys.map((k) => stats(groups.get(k)!.map((r) => r.loss))),
    lr: keys.map((k) => stats(groups.get(k)!.map((r) => r.lr))),
  };
}

const close = (a: number | null, b: number | null) =>
  a === null || b === null ? a === b : Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));

function expectMatches(view: MetricsView, ref: ReturnType<typeof reference>): void {
  expect(view.iter.rows).toBe(ref.rows);
  expect(view.iter.count).toEqual(ref.count);
  for (const series of ['loss', 'lr'] as const) {
    const got = view.iter.series[series];
    ref[series].forEach((want, b) => {
      for (const k of ['min', 'max', 'mean'] as const) {
        if (!close(got[k][b]!, want[k])) throw new Error(`${series}.${k}[${b}]: ${got[k][b]} ≠ ${want[k]}`);
      }
    });
  }
}

async function runWith(metrics: MetricRow[]): Promise<string> {
  const run = await ctx.store.create({ config, ownerPid: null });
  await writeFile(join(ctx.dataDir, 'runs', run.id, 'metrics.jsonl'), toJsonl(metrics));
  return run.id;
}

describe('metricsView', () => {
  it('gives the min, max and mean per bucket that the rows give, and keeps a one-row spike', async () => {
    const all = rows(30_000);
    const id = await runWith(all);
    const view = await ctx.store.metricsView(id, { x: 'iter', buckets: 500 });
    expect(view).toMatchObject({ id, x: 'iter', from: 1, to: 30_000, buckets: 500, rows: 30_300, skippedLines: 0, damage: null });
    expectMatches(view, reference(all, 'iter', 500, 1, 30_000));
    expect(Math.max(...view.iter.series.loss.max.map((v) => v ?? -Infinity))).toBe(1000);
    // The spike's bucket has a mean far below its max: min/max kept it, a mean alone would have hidden it.
    expect(view.iter.x0[0]).toBe(1);
    expect(view.iter.x1.at(-1)).toBe(30_000);
    expect(view.epoch.rows).toBe(300);
    expect(view.epochRows).toHaveLength(300);
    expect(view.epochRows![299]).toEqual(all.at(-1));
    expect(view.last).toEqual({ iter: all.at(-2), epoch: all.at(-1) });
  });

  it('zooms into a range on each axis, and a bucket count above the rows gives one row per bucket', async () => {
    const all = rows(20_000);
    const id = await runWith(all);
    const zoom = await ctx.store.metricsView(id, { x: 'iter', from: 7000, to: 7400, buckets: 1000 });
    expect(zoom.iter.rows).toBe(401);
    expect(zoom.iter.count.every((c) => c === 1)).toBe(true);
    expect(zoom.epochRows!.map((r) => r.epoch)).toEqual([70, 71, 72, 73, 74]);
    for (const axis of ['epoch', 'time'] as const) {
      const [from, to] = axis === 'epoch' ? [20, 120] : [50, 60];
      const view = await ctx.store.metricsView(id, { x: axis, from, to, buckets: 300 });
      expectMatches(view, reference(all, axis, 300, from, to));
    }
    const outside = await ctx.store.metricsView(id, { x: 'iter', from: 50_000, to: 60_000, buckets: 10 });
    expect(outside.iter).toMatchObject({ rows: 0, x0: [], count: [] });
  });

  it('reads rows out of x order and all-diverged buckets correctly', async () => {
    const all = rows(5000).reverse();
    const id = await runWith(all);
    const view = await ctx.store.metricsView(id, { x: 'iter', buckets: 5000 });
    expectMatches(view, reference(all, 'iter', 5000, 1, 5000));
    const diverged = view.iter.x0.indexOf(997);
    expect(view.iter.series.loss.min[diverged]).toBeNull();
    expect(view.iter.series.lr.min[diverged]).not.toBeNull();
  });

  it('follows rows appended after a view, and a file replaced by a shorter one', async () => {
    const id = await runWith(rows(3000));
    expect((await ctx.store.metricsView(id, { x: 'iter', buckets: 10 })).rows).toBe(3030);
    await ctx.store.appendMetrics(id, [{ kind: 'iter', iter: 3001, epoch: 30.01, loss: 0.5, lr: 0.1, t: 99_999 }]);
    const grown = await ctx.store.metricsView(id, { x: 'iter', buckets: 10 });
    expect(grown.rows).toBe(3031);
    expect(grown.last.iter).toEqual({ kind: 'iter', iter: 3001, epoch: 30.01, loss: 0.5, lr: 0.1, t: 99_999 });
    await writeFile(join(ctx.dataDir, 'runs', id, 'metrics.jsonl'), toJsonl(rows(50)));
    expect((await ctx.store.metricsView(id, { x: 'iter', buckets: 10 })).rows).toBe(50);
  });

  it('views a run without metrics as empty', async () => {
    const run = await ctx.store.create({ config, ownerPid: null });
    const view = await ctx.store.metricsView(run.id, { x: 'time', buckets: 100 });
    expect(view).toMatchObject({ rows: 0, from: null, to: null, epochRows: [], last: { iter: null, epoch: null } });
  });
});

describe('metricsPage', () => {
  it('pages put back together are exactly the rows, for all rows and for each kind', async () => {
    const all = rows(12_345);
    const id = await runWith(all);
    for (const kind of [undefined, 'iter', 'epoch'] as const) {
      const got: MetricRow[] = [];
      let offset: number | null = 0;
      while (offset !== null) {
        const page = await ctx.store.metricsPage(id, { offset, limit: 997, kind });
        expect(page.total).toBe(kind === undefined ? all.length : all.filter((r) => r.kind === kind).length);
        got.push(...page.rows);
        offset = page.next;
      }
      expect(got).toEqual(kind === undefined ? all : all.filter((r) => r.kind === kind));
    }
    const middle = await ctx.store.metricsPage(id, { offset: 5000, limit: 3, kind: 'iter' });
    expect(middle.rows.map((r) => r.iter)).toEqual([5001, 5002, 5003]);
    expect(await ctx.store.metricsPage(id, { offset: 99_999, limit: 10 })).toMatchObject({ rows: [], next: null });
  });

  it('the columns read by the fast path equal the exact values, whatever the number notation', async () => {
    const odd: IterRow[] = [1e-7, 3.4028234663852886e38, -2.5e-3, 0.1 + 0.2, 123456789.125, 5e-324, 1.5e300].map((loss, i) => ({
      kind: 'iter',
      iter: i + 1,
      epoch: (i + 1) / 3,
      loss,
      lr: 10 ** -(i + 1),
      t: i * 1e6 + 0.001,
    }));
    const id = await runWith(odd);
    const view = await ctx.store.metricsView(id, { x: 'iter', buckets: odd.length * 2 - 1 });
    odd.forEach((r, b) => {
      expect(view.iter.series.loss.min[b]).toBe(Number(Math.fround(r.loss!).toPrecision(7)));
      expect(view.iter.series.lr.max[b]).toBe(Number(Math.fround(r.lr).toPrecision(7)));
    });
    expect((await ctx.store.metricsPage(id, { offset: 0, limit: 100 })).rows).toEqual(odd);
  });
});

describe('damaged metrics files', () => {
  it('reads around bad lines of every kind, counts them, and names the first', async () => {
    const good = rows(400);
    const id = await runWith([]);
    const file = join(ctx.dataDir, 'runs', id, 'metrics.jsonl');
    const lines =
      toJsonl(good.slice(0, 100)) +
      '{"kind":"iter","iter":\n' +
      `${'x'.repeat(2_000_000)}\n` +
      '\u0000\u0001binary\n' +
      `${JSON.stringify({ ...good[0], iter: 0 })}\n` +
      '\r\n' +
      toJsonl(good.slice(100, 200)).replace(/\n/g, '\r\n') +
      toJsonl(good.slice(200));
    await writeFile(file, lines);
    const status = await ctx.store.metricsStatus(id);
    expect(status).toMatchObject({ rows: 404, skippedLines: 4 });
    expect(status.damage).toBe(
      `4 lines of ${file} are not metric rows and were skipped (line 101, 102, 103, 104; line 101 is not valid JSON (it ends in the middle of a value))`,
    );
    expect(await ctx.store.readMetrics(id)).toEqual(good);
    const view = await ctx.store.metricsView(id, { x: 'iter', buckets: 10 });
    expect(view).toMatchObject({ rows: 404, skippedLines: 4, damage: status.damage });
  });

  it('a torn last line is left out; the next append closes it, so it is one bad line and the new rows are kept', async () => {
    const id = await runWith(rows(10));
    const file = join(ctx.dataDir, 'runs', id, 'metrics.jsonl');
    await appendFile(file, '{"kind":"iter","it');
    expect(await ctx.store.metricsStatus(id)).toMatchObject({ rows: 10, skippedLines: 0 });
    const next: IterRow = { kind: 'iter', iter: 11, epoch: 0.11, loss: 1, lr: 0.5, t: 50 };
    await ctx.store.appendMetrics(id, [next]);
    expect((await ctx.store.readMetrics(id)).at(-1)).toEqual(next);
    expect(await ctx.store.metricsStatus(id)).toMatchObject({ rows: 11, skippedLines: 1 });
  });

  it('a whole row without its newline at the end is a row', async () => {
    const id = await runWith([]);
    const row: IterRow = { kind: 'iter', iter: 1, epoch: 0.5, loss: 2, lr: 0.5, t: 10 };
    await writeFile(join(ctx.dataDir, 'runs', id, 'metrics.jsonl'), JSON.stringify(row));
    expect(await ctx.store.readMetrics(id)).toEqual([row]);
    await ctx.store.appendMetrics(id, [{ ...row, iter: 2 }]);
    expect(await ctx.store.readMetrics(id)).toEqual([row, { ...row, iter: 2 }]);
    expect((await ctx.store.metricsStatus(id)).skippedLines).toBe(0);
  });
});

describe('the index kept on disk for big runs', () => {
  it('is saved beside metrics.jsonl, used after a restart, and refused when the file is not the one it describes', async () => {
    const all = rows(SAVE_MIN_ROWS + 1000);
    const id = await runWith(all);
    const file = join(ctx.dataDir, 'runs', id, 'metrics.jsonl');
    const first = await ctx.store.metricsView(id, { x: 'iter', buckets: 300 });
    await MetricsReader.settled();
    expect(existsSync(join(ctx.dataDir, 'runs', id, INDEX_FILE))).toBe(true);

    // A line in the middle changed in place, same length: a fresh read counts it, the saved index (a "restart") does not look.
    const text = await readFile(file, 'utf8');
    const at = text.indexOf('\n', Math.floor(text.length / 2)) + 1;
    const end = text.indexOf('\n', at);
    await writeFile(file, text.slice(0, at) + '#'.repeat(end - at) + text.slice(end));
    MetricsReader.forget(file);
    const restarted = await ctx.store.metricsView(id, { x: 'iter', buckets: 300 });
    expect(restarted).toEqual(first);
    // Appended rows are read on top of it.
    await ctx.store.appendMetrics(id, [{ kind: 'iter', iter: all.length + 1, epoch: 1, loss: 0.1, lr: 0.1, t: 1e9 }]);
    expect((await ctx.store.metricsStatus(id)).rows).toBe(first.rows + 1);

    // The bytes just before where the index stopped differ: it is not used, metrics.jsonl is read again.
    await MetricsReader.settled();
    MetricsReader.forget(file);
    const now = await readFile(file, 'utf8');
    const cut = text.length - 2; // in the last row the saved index covers
    await writeFile(file, `${now.slice(0, cut)}#${now.slice(cut + 1)}`);
    const reread = await ctx.store.metricsStatus(id);
    expect(reread.skippedLines).toBe(2); // the middle line, and the last one
    expect(reread.rows).toBe(first.rows - 1);
  });
});
