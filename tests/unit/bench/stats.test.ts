/** Benchmark arithmetic: medians, paired ratios and throughput from step timestamps. */
import { describe, expect, it } from 'vitest';
import { batchSamples, median, pairedRatio, pairedRatios, pooledThroughput, range, throughput } from '../../../bench/lib/stats';

describe('median', () => {
  it('takes the middle value, or the mean of the middle two, ignoring non-finite values', () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([NaN, 7, Infinity])).toBe(7);
    expect(median([])).toBeNull();
  });
});

describe('pairedRatio', () => {
  it('is the median of per-repeat ratios, so a slow repeat that slowed both sides cancels out', () => {
    // Repeat 2 ran on a busy machine: both halved, the ratio is unchanged.
    expect(pairedRatio([90, 45, 95], [100, 50, 100])).toBeCloseTo(0.9, 10);
  });

  it('skips repeats where either side is missing', () => {
    expect(pairedRatio([null, 80, 60], [100, 100, null])).toBeCloseTo(0.8, 10);
    expect(pairedRatio([null], [100])).toBeNull();
    expect(pairedRatios([50, null, 90], [100, 100, 100])).toEqual([0.5, 0.9]);
    expect(range([0.9, 0.5, 1.1])).toEqual([0.5, 1.1]);
    expect(range([])).toBeNull();
  });
});

describe('throughput', () => {
  it('counts the samples of every step after the first, over the time from the first to the last end', () => {
    // Steps end at 0, 10 and 20 ms with 64 samples each: 128 samples in 20 ms.
    expect(
      throughput([
        { t: 0, samples: 64 },
        { t: 10, samples: 64 },
        { t: 20, samples: 64 },
      ]),
    ).toBeCloseTo(6400, 6);
    expect(throughput([{ t: 5, samples: 64 }])).toBeNull();
  });

  it('pools windows as total samples over total time, leaving the gaps between windows out', () => {
    const a = [
      { t: 0, samples: 10 },
      { t: 10, samples: 10 },
    ];
    const b = [
      { t: 1000, samples: 10 },
      { t: 1030, samples: 30 },
    ];
    expect(pooledThroughput([a, b])).toBeCloseTo((40 / 40) * 1000, 6);
  });
});

describe('batchSamples', () => {
  it('gives full batches and then the partial last one', () => {
    expect(batchSamples(0, 100, 64)).toBe(64);
    expect(batchSamples(1, 100, 64)).toBe(36);
    expect(batchSamples(2, 100, 64)).toBe(0);
  });
});
