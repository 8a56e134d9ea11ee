import { describe, expect, it } from 'vitest';
import { liveProgress } from '../../../src/renderer/src/lib/live-progress';
import { makeRun } from './run-fixtures';

describe('liveProgress', () => {
  const started = '2024-05-01T10:00:00.000Z';
  const now = Date.parse(started) + 12_000;

  it('reads epoch x/y, iteration i/n and the ETA from the rate so far', () => {
    const run = makeRun('r', { status: 'running', started, ended: null, progress: { iter: 100, total_iters: 375, epoch: 0.8, epochs: 3 } });
    const p = liveProgress(run, { kind: 'iter', iter: 125, epoch: 1.2, loss: 0.5, lr: 0.5, t: 10_000 }, now);
    // The newest row is further along than the record's progress: it wins.
    expect(p.iter).toBe(125);
    expect(p.totalIters).toBe(375);
    expect(p.epoch).toBe(2);
    expect(p.epochs).toBe(3);
    expect(p.fraction).toBeCloseTo(1 / 3, 12);
    expect(p.elapsedMs).toBe(12_000);
    // 10 s for 125 iterations → 250 left take 20 s.
    expect(p.etaMs).toBe(20_000);
    // 125 × 64 samples in 10 s.
    expect(p.samplesPerSecond).toBe(800);
  });

  it('at an epoch boundary the epoch being validated is shown, not the next one', () => {
    const run = makeRun('r', { status: 'running', started, ended: null, progress: { iter: 250, total_iters: 375, epoch: 2, epochs: 3 } });
    expect(liveProgress(run, null, now).epoch).toBe(2);
  });

  it('without rows yet: no ETA, epoch 1', () => {
    const run = makeRun('r', { status: 'running', started, ended: null, progress: null });
    const p = liveProgress(run, null, now);
    expect(p).toMatchObject({ iter: 0, totalIters: 0, epoch: 1, epochs: 3, etaMs: null, samplesPerSecond: null, fraction: 0 });
  });

  it('a finished run is full and has no ETA', () => {
    const run = makeRun('r', {
      status: 'completed',
      progress: { iter: 375, total_iters: 375, epoch: 3, epochs: 3 },
      summary: {
        epochs: 3,
        iterations: 375,
        final: null,
        best_valid_accuracy: 0.9,
        best_valid_loss: 0.3,
        best_epoch: 3,
        samples_per_second: 2500,
        stopped_by: null,
      },
    });
    const p = liveProgress(run, { kind: 'iter', iter: 375, epoch: 3, loss: 0.2, lr: 0.5, t: 9000 }, now);
    expect(p).toMatchObject({ iter: 375, epoch: 3, fraction: 1, etaMs: null, samplesPerSecond: 2500, elapsedMs: 60_000 });
  });
});
