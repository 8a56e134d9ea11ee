/**
 * Back-pressure bookkeeping on both ends: the host's gate skips metric pushes for a slow
 * client and names the runs to resync; the client's watermarks then deliver only the rows
 * listeners have not seen, in order.
 */
import { describe, expect, it } from 'vitest';
import { MetricsPushGate } from '../../../src/main/host/metrics-push-gate';
import { MetricWatermarks } from '../../../src/renderer/src/lib/metric-watermarks';
import type { MetricRow } from '../../../src/shared/records';

const iter = (n: number): MetricRow => ({ kind: 'iter', iter: n, epoch: n / 10, loss: 1 / n, lr: 0.1, t: n });
const epoch = (n: number, atIter: number): MetricRow => ({
  kind: 'epoch',
  epoch: n,
  iter: atIter,
  train_loss: 0.5,
  train_accuracy: 0.8,
  valid_loss: 0.6,
  valid_accuracy: 0.7,
  seconds: 1,
  t: atIter,
});

describe('MetricsPushGate', () => {
  it('sends while the buffer is under the mark, skips above it, then asks for a resync once', () => {
    const gate = new MetricsPushGate(1000);
    expect(gate.admit('a', 0)).toEqual({ send: true, resync: null });
    expect(gate.admit('a', 1001)).toEqual({ send: false });
    expect(gate.admit('b', 5000)).toEqual({ send: false });
    expect(gate.admit('a', 5000)).toEqual({ send: false });
    expect(gate.admit('c', 10)).toEqual({ send: true, resync: ['a', 'b'] });
    expect(gate.admit('a', 10)).toEqual({ send: true, resync: null });
  });
});

describe('MetricWatermarks', () => {
  it('delivers only rows past what was seen, per kind, in order', () => {
    const marks = new MetricWatermarks();
    marks.note('r', [iter(1), iter(2), epoch(1, 2)]);
    const refetched = [iter(1), iter(2), epoch(1, 2), iter(3), iter(4), epoch(2, 4)];
    const held = [iter(4), iter(5)];
    expect(marks.fresh('r', [...refetched, ...held])).toEqual([iter(3), iter(4), epoch(2, 4), iter(5)]);
    // A second resync with nothing new delivers nothing.
    expect(marks.fresh('r', refetched)).toEqual([]);
  });

  it('keeps runs apart and starts over after forget', () => {
    const marks = new MetricWatermarks();
    marks.note('a', [iter(10)]);
    expect(marks.fresh('b', [iter(1)])).toEqual([iter(1)]);
    marks.forget('a');
    expect(marks.fresh('a', [iter(1)])).toEqual([iter(1)]);
  });
});
