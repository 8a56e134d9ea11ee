/**
 * getMetricsView and getMetricsPage over the real web host's WebSocket (issue 12, cases 4
 * and 5): payloads validated and refusals named, views and pages of real metrics files, a
 * bad line in one run's metrics failing nothing (Compare of three runs, export, status),
 * and getMetrics / exportRun refusing replies too big to build without blocking the host.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { DEFAULT_HYPERPARAMS } from '../../../src/shared/hyperparams';
import { EXPORT_MAX_ROWS, METRICS_MAX_ROWS } from '../../../src/shared/metrics-view';
import type { MetricRow } from '../../../src/shared/records';
import { toJsonl } from '../../../src/main/runs/store/jsonl';
import { nextReply, openSocket, startHostFixture, type HostFixture } from './host-fixture';

let fx: HostFixture;
let ws: WebSocket;
let nextId = 1;
const call = (method: string, params: unknown) => nextReply(ws, JSON.stringify({ id: nextId++, method, params }));

const iter = (i: number): MetricRow => ({ kind: 'iter', iter: i, epoch: i / 10, loss: 1 / i, lr: 0.1, t: i });
const epoch = (e: number): MetricRow => ({
  kind: 'epoch',
  epoch: e,
  iter: e * 10,
  train_loss: 0.5,
  train_accuracy: 0.8,
  valid_loss: 0.6,
  valid_accuracy: 0.7,
  seconds: 1,
  t: e * 10,
});

async function storedRun(lines: string, status: 'completed' = 'completed'): Promise<string> {
  const run = await fx.service.store.create({ config: DEFAULT_HYPERPARAMS, ownerPid: null });
  await fx.service.store.update(run.id, (r) => ({ ...r, status }));
  const dir = join(fx.service.dataDir, 'runs', run.id);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'metrics.jsonl'), lines);
  return run.id;
}

beforeAll(async () => {
  fx = await startHostFixture();
  const result = await openSocket(`ws://127.0.0.1:${fx.host.port}/ws?token=${fx.host.token}`, `http://127.0.0.1:${fx.host.port}`);
  if (!('ws' in result)) throw new Error(`refused with ${result.refused}`);
  ws = result.ws;
});
afterAll(async () => {
  ws.close();
  await fx.close();
});

describe('getMetricsView and getMetricsPage payloads', () => {
  it.each([
    ['getMetricsView', { ids: [], buckets: 10 }, 'ids'],
    ['getMetricsView', { ids: ['a'], buckets: 0 }, 'buckets'],
    ['getMetricsView', { ids: ['a'], buckets: 10_001 }, 'buckets'],
    ['getMetricsView', { ids: ['a'], buckets: 2.5 }, 'buckets'],
    ['getMetricsView', { ids: ['a'], buckets: 10, x: 'loss' }, 'x'],
    ['getMetricsView', { ids: ['a'], buckets: 10, from: 5, to: 1 }, 'from'],
    ['getMetricsView', { ids: ['a'], buckets: 10, from: null }, 'from'],
    ['getMetricsView', { ids: ['../etc'], buckets: 10 }, 'ids.0'],
    ['getMetricsView', { ids: ['a'], buckets: 10, sneaky: 1 }, '(request)'],
    ['getMetricsPage', { id: 'a', offset: -1, limit: 10 }, 'offset'],
    ['getMetricsPage', { id: 'a', offset: 0, limit: 0 }, 'limit'],
    ['getMetricsPage', { id: 'a', offset: 0, limit: 10_001 }, 'limit'],
    ['getMetricsPage', { id: 'a', offset: 0, limit: 10, kind: 'loss' }, 'kind'],
  ])('%s %j is refused, naming %s', async (method, params, field) => {
    const reply = await call(method, params);
    expect(reply).toMatchObject({ ok: false, error: { code: 'invalid', field } });
  });

  it('a view and a page of a stored run come back over the socket', async () => {
    const id = await storedRun(toJsonl([iter(1), iter(2), epoch(1), iter(3)]));
    const view = await call('getMetricsView', { ids: [id], buckets: 2 });
    expect(view).toMatchObject({
      ok: true,
      value: { [id]: { rows: 4, from: 1, to: 10, iter: { rows: 3, count: [3] }, epochRows: [epoch(1)], last: { iter: iter(3) } } },
    });
    const page = await call('getMetricsPage', { id, offset: 1, limit: 2 });
    expect(page).toMatchObject({ ok: true, value: { id, offset: 1, rows: [iter(2), epoch(1)], total: 4, next: 3 } });
    expect(await call('getMetricsPage', { id: 'no-such-run', offset: 0, limit: 1 })).toMatchObject({ error: { code: 'not_found' } });
  });
});

describe('a bad line in one run of three (case 5)', () => {
  it('fails nothing: the run is listed completed, Compare of all three, export and the view read around it', async () => {
    const rows = toJsonl([iter(1), iter(2), epoch(1)]);
    const ids = [
      await storedRun(rows),
      await storedRun(`${toJsonl([iter(1)])}not json at all\n${toJsonl([iter(2), epoch(1)])}`),
      await storedRun(rows),
    ];
    const listed = (await call('listRuns', {})).value as Array<{ id: string; status: string }>;
    expect(listed.find((r) => r.id === ids[1])!.status).toBe('completed');
    const compare = await call('getMetrics', { ids });
    expect(compare).toMatchObject({
      ok: true,
      value: { [ids[0]!]: [iter(1), iter(2), epoch(1)], [ids[1]!]: [iter(1), iter(2), epoch(1)] },
    });
    const exported = await call('exportRun', { id: ids[1], format: 'json' });
    expect(exported).toMatchObject({ ok: true });
    const view = (await call('getMetricsView', { ids, buckets: 10 })).value as Record<
      string,
      { skippedLines: number; damage: string | null }
    >;
    expect(view[ids[0]!]).toMatchObject({ skippedLines: 0, damage: null });
    expect(view[ids[1]!]!.skippedLines).toBe(1);
    expect(view[ids[1]!]!.damage).toMatch(
      /^1 line of .*metrics\.jsonl is not a metric row and was skipped \(line 2; line 2 is not valid JSON/,
    );
  });
});

describe('replies too big to build without blocking the host', () => {
  it(`getMetrics refuses a run of more than ${METRICS_MAX_ROWS} rows, and exportRun one of more than ${EXPORT_MAX_ROWS}, saying what to use`, async () => {
    const many = Array.from({ length: EXPORT_MAX_ROWS + 1 }, (_, i) => iter(i + 1));
    const id = await storedRun(toJsonl(many));
    const refused = await call('getMetrics', { ids: [id] });
    expect(refused).toMatchObject({ ok: false, error: { code: 'invalid', field: 'ids' } });
    expect((refused.error as { message: string }).message).toBe(
      `Run ${id} has 200,001 metric rows, more than getMetrics sends at once (50,000): read them with getMetricsView (chart resolution) or getMetricsPage (rows, a page at a time)`,
    );
    const exported = await call('exportRun', { id, format: 'csv', table: 'iterations' });
    expect((exported.error as { message: string }).message).toBe(
      `Run ${id} has 200,001 rows to export, more than an export from the app holds (200,000): use \`runlab runs export ${id} --table iterations --out FILE\``,
    );
    // The epochs table of the same run is small, and exports.
    expect(await call('exportRun', { id, format: 'csv', table: 'epochs' })).toMatchObject({ ok: true });
    // The view of it is a few kB.
    const view = await call('getMetricsView', { ids: [id], buckets: 100 });
    expect(JSON.stringify(view).length).toBeLessThan(20_000);
  });
});
