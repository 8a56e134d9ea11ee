import { describe, expect, it } from 'vitest';
import type { DamagedRun, RunListEntry } from '../../../src/shared/records';
import { buildHistory, filterHistory, matchesText, sortHistoryRows, toHistoryRow } from '../../../src/renderer/src/lib/history-table';
import { makeRun } from './run-fixtures';

const summary = (best: number | null, trainLoss: number | null) => ({
  epochs: 3,
  iterations: 375,
  final: { train_loss: trainLoss, train_accuracy: 0.9, valid_loss: 0.3, valid_accuracy: best },
  best_valid_accuracy: best,
  best_valid_loss: 0.3,
  best_epoch: 3,
  samples_per_second: 1000,
  stopped_by: null,
});

const runs = [
  makeRun('r1', {
    name: 'baseline',
    tags: ['mnist'],
    created: '2024-05-01T10:00:00.000Z',
    summary: summary(0.91, 0.35),
    config: { lr: 0.5 },
  }),
  makeRun('r2', {
    name: 'Adam trial',
    notes: 'try adam with one-cycle',
    created: '2024-05-02T10:00:00.000Z',
    summary: summary(0.95, 0.2),
    config: { lr: 0.003, optimizer: 'adam' },
  }),
  makeRun('r3', {
    name: 'cnn',
    status: 'running',
    started: '2024-05-03T10:00:01.000Z',
    ended: null,
    created: '2024-05-03T10:00:00.000Z',
    config: { model: 'cnn', lr: 0.01 },
  }),
];
const damaged: DamagedRun = { id: 'bad-run', damaged: true, reason: 'run.json is not valid JSON' };
const entries: RunListEntry[] = [...runs, damaged];
const now = Date.parse('2024-05-03T10:00:31.000Z');

describe('History table', () => {
  it('sorts by any column, numbers numerically, in both directions', () => {
    const rows = runs.map((r) => toHistoryRow(r, now));
    expect(sortHistoryRows(rows, { key: 'lr', dir: 'asc' }).map((r) => r.id)).toEqual(['r2', 'r3', 'r1']);
    expect(sortHistoryRows(rows, { key: 'lr', dir: 'desc' }).map((r) => r.id)).toEqual(['r1', 'r3', 'r2']);
    expect(sortHistoryRows(rows, { key: 'name', dir: 'asc' }).map((r) => r.id)).toEqual(['r2', 'r1', 'r3']);
    expect(sortHistoryRows(rows, { key: 'created', dir: 'desc' }).map((r) => r.id)).toEqual(['r3', 'r2', 'r1']);
  });

  it('puts runs without the value last in both directions', () => {
    const rows = runs.map((r) => toHistoryRow(r, now));
    expect(sortHistoryRows(rows, { key: 'bestValidAccuracy', dir: 'desc' }).map((r) => r.id)).toEqual(['r2', 'r1', 'r3']);
    expect(sortHistoryRows(rows, { key: 'bestValidAccuracy', dir: 'asc' }).map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
  });

  it("shows a running run's last finished epoch until its summary exists, and dashes before that", () => {
    const latest = { train_loss: 0.41, train_accuracy: 0.88, valid_loss: 0.37, valid_accuracy: 0.9 };
    const running = makeRun('r4', {
      status: 'running',
      ended: null,
      progress: { iter: 250, total_iters: 375, epoch: 2, epochs: 3, latest, best_valid_accuracy: 0.905 },
    });
    expect(toHistoryRow(running, now).values).toMatchObject({ bestValidAccuracy: 0.905, finalTrainLoss: 0.41, finalValidLoss: 0.37 });
    expect(toHistoryRow(runs[2]!, now).values).toMatchObject({ bestValidAccuracy: null, finalTrainLoss: null, finalValidLoss: null });
    // Once the summary exists it is the record, whatever progress says.
    const done = makeRun('r5', {
      progress: { iter: 375, total_iters: 375, epoch: 3, epochs: 3, latest, best_valid_accuracy: 0.905 },
      summary: summary(0.93, 0.3),
    });
    expect(toHistoryRow(done, now).values).toMatchObject({ bestValidAccuracy: 0.93, finalTrainLoss: 0.3 });
  });

  it('derives model labels and running durations', () => {
    const row = toHistoryRow(runs[2]!, now);
    expect(row.values.model).toBe('cnn');
    expect(toHistoryRow(runs[0]!, now).values.model).toBe('mlp 50');
    const regularized = makeRun('r6', { config: { ...runs[0]!.config, batchNorm: 'on', dropout: 0.25 } });
    expect(toHistoryRow(regularized, now).values.model).toBe('mlp 50 +bn +dropout 0.25');
    // Running: started 10:00:01, now 10:00:31.
    expect(row.values.durationMs).toBe(30_000);
  });

  it('filters by words over name, tags and notes, case-insensitively', () => {
    expect(matchesText(runs[0]!, 'MNIST')).toBe(true);
    expect(matchesText(runs[1]!, 'adam one-cycle')).toBe(true);
    expect(matchesText(runs[1]!, 'adam sgd')).toBe(false);
    const view = buildHistory(entries, { text: 'adam', status: 'all', sort: { key: 'created', dir: 'desc' }, now });
    expect(view.rows.map((r) => r.id)).toEqual(['r2']);
    expect(view.damaged).toEqual([]);
  });

  it("keeps only a group's runs when filtered by group, damaged runs left out", () => {
    const group = 'sweep-20261202-231205-afa8';
    const swept = [makeRun('s1', { group }), makeRun('s2', { group }), makeRun('s3', { group: 'sweep-20261202-231205-0000' })];
    const all = [...entries, ...swept];
    expect(filterHistory(all, { text: '', status: 'all', now, group }).rows.map((r) => r.id)).toEqual(['s1', 's2']);
    expect(filterHistory(all, { text: '', status: 'all', now, group }).damaged).toEqual([]);
    const unfiltered = filterHistory(all, { text: '', status: 'all', now, group: null });
    expect(unfiltered.rows.map((r) => r.id)).toEqual(['r1', 'r2', 'r3', 's1', 's2', 's3']);
    expect(unfiltered.damaged.map((d) => d.id)).toEqual(['bad-run']);
  });

  it('reads a changed run afresh and keeps a running run on the clock', () => {
    const opts = { text: 'renamed', status: 'all' as const, now };
    expect(filterHistory(entries, opts).rows).toEqual([]);
    // A push replaces the record: the new name is matched, not the one read before.
    const renamed = { ...runs[0]!, name: 'renamed baseline' };
    expect(filterHistory([renamed, ...entries.slice(1)], opts).rows.map((r) => r.id)).toEqual(['r1']);
    const running = (at: number) => filterHistory(entries, { text: 'cnn', status: 'all', now: at }).rows[0]!.values.durationMs;
    expect(running(now)).toBe(30_000);
    expect(running(now + 5_000)).toBe(35_000);
    // Sorting the filtered rows gives what buildHistory gives.
    const sort = { key: 'bestValidAccuracy', dir: 'desc' } as const;
    expect(sortHistoryRows(filterHistory(entries, { ...opts, text: '' }).rows, sort)).toEqual(
      buildHistory(entries, { ...opts, text: '', sort }).rows,
    );
  });

  it('filters by status and lists damaged runs only under "all"', () => {
    const base = { text: '', sort: { key: 'created', dir: 'desc' } as const, now };
    expect(buildHistory(entries, { ...base, status: 'active' }).rows.map((r) => r.id)).toEqual(['r3']);
    expect(buildHistory(entries, { ...base, status: 'completed' }).rows.map((r) => r.id)).toEqual(['r2', 'r1']);
    const all = buildHistory(entries, { ...base, status: 'all' });
    expect(all.damaged).toEqual([damaged]);
    expect(all.total).toBe(4);
    expect(buildHistory(entries, { ...base, status: 'completed' }).damaged).toEqual([]);
  });
});
