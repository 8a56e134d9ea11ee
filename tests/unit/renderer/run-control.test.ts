/** The UI's view of run control: what can be resumed or forked, the values in force, chart markers, the config table, a fork's branch. */
import { describe, expect, it } from 'vitest';
import type { MetricRow, RunEvent } from '../../../src/shared/records';
import { compareChart } from '../../../src/renderer/src/lib/compare-series';
import { diffConfigs } from '../../../src/renderer/src/lib/config-diff';
import {
  canFork,
  canResume,
  changedDuringRun,
  chartMarkers,
  currentHypers,
  describeEvent,
  isPaused,
} from '../../../src/renderer/src/lib/run-control';
import { buildSeries } from '../../../src/renderer/src/lib/series';
import { makeRun } from './run-fixtures';

const at = '2024-05-01T10:00:30.000Z';
const edit = (iter: number, changes: Extract<RunEvent, { kind: 'edit' }>['changes'], by: 'ui' | 'cli' = 'ui'): RunEvent => ({
  kind: 'edit',
  iter,
  epoch: iter / 125,
  t: iter * 8,
  at,
  by,
  changes,
});
const checkpoint = { name: 'epoch-0002-batch-00010', epoch: 2, batch: 10, iter: 260 };

describe('run control in the UI', () => {
  it('resumes runs that ended early with a checkpoint, forks runs with an epoch checkpoint', () => {
    expect(canResume(makeRun('a', { status: 'cancelled', checkpoint }))).toBe(true);
    expect(canResume(makeRun('b', { status: 'interrupted', checkpoint }))).toBe(true);
    expect(canResume(makeRun('c', { status: 'cancelled' }))).toBe(false);
    expect(canResume(makeRun('d', { status: 'completed', checkpoint }))).toBe(false);
    const stopped = makeRun('e', {
      status: 'completed',
      checkpoint,
      summary: { ...summary(), stopped_by: 'stop-after' },
    });
    expect(canResume(stopped)).toBe(true);
    expect(canFork(makeRun('f', { checkpoint }))).toBe(true);
    expect(canFork(makeRun('g', { checkpoint: { name: 'epoch-0000-batch-00003', epoch: 0, batch: 3, iter: 3 } }))).toBe(false);
    expect(isPaused(makeRun('h', { status: 'running', paused: true }))).toBe(true);
    expect(isPaused(makeRun('i', { status: 'cancelled', paused: true }))).toBe(false);
  });

  it('applies the live edits to the config, and marks them on each x axis', () => {
    const run = makeRun('a', {
      config: { lr: 0.1, optimizer: 'momentum', momentum: 0.9 },
      events: [
        edit(250, [{ field: 'lr', from: 0.1, to: 0.05 }]),
        { kind: 'pause', iter: 300, epoch: 2.4, t: 2400, at, by: 'ui' },
        edit(
          500,
          [
            { field: 'lr', from: 0.05, to: 0.02 },
            { field: 'momentum', from: 0.9, to: 0.8 },
          ],
          'cli',
        ),
      ],
    });
    expect(currentHypers(run)).toMatchObject({ lr: 0.02, momentum: 0.8, weightDecay: 0, schedule: 'constant' });
    expect(chartMarkers(run, 'iter', '#000')).toEqual([
      { x: 250, label: 'lr 0.05', color: '#000', dashed: true },
      { x: 500, label: 'lr 0.02, momentum 0.8', color: '#000', dashed: true },
    ]);
    expect(chartMarkers(run, 'epoch', '#000').map((m) => m.x)).toEqual([2, 4]);
    expect(chartMarkers(run, 'time', '#000').map((m) => m.x)).toEqual([2, 4]);
    expect(run.events!.map(describeEvent)).toEqual([
      'iteration 250 · lr 0.1 → 0.05 · from the UI',
      'iteration 300 · paused · from the UI',
      'iteration 500 · lr 0.05 → 0.02, momentum 0.9 → 0.8 · from the CLI',
    ]);
    expect(changedDuringRun(run)).toEqual({ lr: [0.1, 0.05, 0.02], momentum: [0.9, 0.8] });
  });

  it('says in the config table which values changed during a run', () => {
    const edited = makeRun('a', { config: { lr: 0.1 }, events: [edit(250, [{ field: 'lr', from: 0.1, to: 0.05 }])] });
    const plain = makeRun('b', { config: { lr: 0.1 } });
    const lr = diffConfigs([edited, plain]).find((r) => r.key === 'lr')!;
    expect(lr).toMatchObject({ values: ['0.1 → 0.05 (changed during the run)', '0.1'], differs: true, changed: [true, false] });
    expect(diffConfigs([plain, makeRun('c', { config: { lr: 0.1 } })]).find((r) => r.key === 'lr')!.differs).toBe(false);
  });

  it('draws a fork as a branch: its loss line starts at its parent’s point at the fork', () => {
    const iter = (i: number, loss: number): MetricRow => ({ kind: 'iter', iter: i, epoch: i / 4, loss, lr: 0.1, t: i * 10 });
    const epochRow: MetricRow = {
      kind: 'epoch',
      epoch: 1,
      iter: 4,
      train_loss: 1,
      train_accuracy: 0.5,
      valid_loss: 1.1,
      valid_accuracy: 0.5,
      seconds: 1,
      t: 45,
    };
    const parent = buildSeries([iter(1, 2), iter(2, 1.8), iter(3, 1.6), iter(4, 1.4), epochRow, iter(5, 1.2)]);
    const fork = buildSeries([epochRow, iter(5, 1.3), iter(6, 1.1)]);
    const [, branch] = compareChart(
      [
        { id: 'p', label: 'parent', color: '#111111', series: parent },
        { id: 'f', label: 'fork', color: '#222222', series: fork, branchFrom: { series: parent, iter: 4 } },
      ],
      { metric: 'train_loss', axis: 'iter', smoothing: 0 },
    ).series;
    expect(branch!.points).toEqual([
      { x: 4, y: 1.4 },
      { x: 5, y: 1.3 },
      { x: 6, y: 1.1 },
    ]);
    // Alone, it starts at its own first iteration.
    expect(
      compareChart([{ id: 'f', label: 'fork', color: '#222222', series: fork }], { metric: 'train_loss', axis: 'iter', smoothing: 0 })
        .series[0]!.points[0],
    ).toEqual({ x: 5, y: 1.3 });
  });
});

function summary() {
  return {
    epochs: 2,
    iterations: 260,
    final: null,
    best_valid_accuracy: 0.78,
    best_valid_loss: 0.6,
    best_epoch: 2,
    samples_per_second: 1000,
    stopped_by: null,
  };
}
