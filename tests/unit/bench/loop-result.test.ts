/** How a training measurement's throughputs come from its step and epoch timestamps. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_JOB_OPTIONS, parseJobOptions, type JobBenchOptions } from '../../../bench/lib/job-options';
import {
  budgetSpent,
  epochThroughput,
  throughputs,
  timingMarker,
  trainThroughput,
  trainThroughputPerEpoch,
  type StepTime,
} from '../../../bench/lib/loop-result';

/** 3 epochs of 4 steps over 10 samples in batches of 3 (3, 3, 3, 1): step k of epoch e ends at e·1000 + 10·k ms. */
const layout = { batchesPerEpoch: 4, trainSize: 10, batchSize: 3 };
const steps: StepTime[] = [];
for (let e = 0; e < 3; e++) for (let k = 0; k < 4; k++) steps.push({ iter: e * 4 + k + 1, t: e * 1000 + 10 * k });

describe('trainThroughput', () => {
  it('times each epoch from its first step end to its last, with the partial last batch counted as it is', () => {
    // Epochs 2 and 3 (from iter 5): each covers 3 + 3 + 1 = 7 samples in 30 ms.
    expect(trainThroughput(steps, layout, 5)).toBeCloseTo((14 / 60) * 1000, 6);
  });

  it('gives each epoch its own figure, so a slow warm-up epoch shows', () => {
    const slowFirst = steps.map((s) => (s.iter <= 4 ? { ...s, t: s.t * 3 } : s));
    const perEpoch = trainThroughputPerEpoch(slowFirst, layout);
    expect(perEpoch).toHaveLength(3);
    expect(perEpoch[0]).toBeCloseTo((7 / 90) * 1000, 6);
    expect(perEpoch[1]).toBeCloseTo((7 / 30) * 1000, 6);
  });
});

describe('epochThroughput', () => {
  it('counts whole epochs after the warm-up ones, epoch end to epoch end', () => {
    // Ends at 100, 200, 400, 600 ms; after 2 warm-up epochs: 2 epochs of 10 samples in 400 ms.
    expect(epochThroughput([100, 200, 400, 600], 10, 2)).toBeCloseTo(50, 6);
    expect(epochThroughput([100, 200], 10, 2)).toBeNull();
    expect(epochThroughput([100, null, 300], 10, 1)).toBeNull();
  });
});

describe('sweep mode', () => {
  const sweep: JobBenchOptions = { ...DEFAULT_JOB_OPTIONS, budgetMs: 100, warmupMs: 50, warmupBatches: 2, minTimedBatches: 2 };
  const ticks = (ends: number[]): StepTime[] => ends.map((t, i) => ({ iter: i + 1, t }));

  it('starts timing at the first step that is both warmupBatches in and warmupMs past the first step', () => {
    expect(timingMarker(ticks([0, 60, 70]), sweep, 100)?.iter).toBe(2);
    expect(timingMarker(ticks([0, 20, 70]), sweep, 100)?.iter).toBe(3);
    expect(timingMarker(ticks([0, 20, 40]), sweep, 100)).toBeNull();
  });

  it('is spent once the budget has passed after the marker and enough steps were timed', () => {
    expect(budgetSpent(ticks([0, 60, 120]), sweep, 100)).toBe(false); // 60 ms timed
    expect(budgetSpent(ticks([0, 60, 200]), sweep, 100)).toBe(false); // one timed step
    expect(budgetSpent(ticks([0, 60, 100, 170]), sweep, 100)).toBe(true);
    expect(budgetSpent(ticks([0, 60, 100, 170]), { ...sweep, budgetMs: null }, 100)).toBe(false);
  });

  it('reports training throughput from the marker on and no whole-epoch figures', () => {
    const result = throughputs(ticks([0, 60, 100, 160]), [], sweep, { batchesPerEpoch: 100, trainSize: 6400, batchSize: 64 });
    expect(result.train_sps).toBeCloseTo((128 / 100) * 1000, 6);
    expect(result.epoch_sps).toBeNull();
    expect(result.epoch_cpu_sps).toBeNull();
  });
});

describe('parseJobOptions', () => {
  it('fills defaults and names the field that is wrong', () => {
    expect(parseJobOptions('{"batchSize":512}')).toMatchObject({
      backend: 'wasm',
      model: 'mlp',
      batchSize: 512,
      epochs: 5,
      budgetMs: null,
    });
    expect(() => parseJobOptions('{"backend":"gpu"}')).toThrow(/backend must be one of tensorflow, wasm, cpu, got "gpu"/);
    expect(() => parseJobOptions('{"batchSize":0}')).toThrow(/batchSize must be a whole number ≥ 1, got 0/);
    expect(() => parseJobOptions('{"epochs":2,"warmupEpochs":2}')).toThrow(/epochs must be a whole number ≥ 3/);
    expect(() => parseJobOptions('not json')).toThrow(/expected one JSON object argument/);
  });
});
