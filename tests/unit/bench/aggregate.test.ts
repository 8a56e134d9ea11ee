/** From per-repeat outcomes to the report: paired ratios, failures with their reasons, memory checks. */
import { describe, expect, it } from 'vitest';
import {
  peakRssByContender,
  summarizeMemory,
  summarizeRunnerVsBare,
  summarizeVsPytorch,
  type JobRepeat,
} from '../../../bench/lib/aggregate';
import type { Outcome } from '../../../bench/lib/child';
import type { LoopResult } from '../../../bench/lib/loop-result';

function loop(kind: LoopResult['kind'], trainSps: number, extra: Partial<LoopResult> = {}): Outcome<LoopResult> {
  return {
    ok: true,
    seconds: 3,
    value: {
      kind,
      backend: 'wasm',
      device: 'wasm (SIMD, 1 thread)',
      model: 'mlp',
      batch_size: 64,
      epochs: 5,
      train_size: 8000,
      train_sps: trainSps,
      train_sps_per_epoch: [],
      epoch_sps: trainSps / 2,
      epoch_cpu_sps: trainSps / 4,
      num_tensors_per_epoch: [4, 4, 4, 4, 4],
      rss_mb_per_epoch: [200, 201, 201, 202, 202],
      peak_rss_mb: 210,
      final_valid_loss: 0.3155,
      ...extra,
    },
  };
}

/** The result inside a successful outcome. */
function value(o: Outcome<LoopResult>): LoopResult {
  if (!o.ok) throw new Error(o.error);
  return o.value;
}

const failed = (error: string): Outcome<never> => ({ ok: false, error, seconds: 1 });
const pytorch = (sps: number) => ({
  ok: true as const,
  seconds: 2,
  value: { samples_per_second: sps, seconds: 0.3, last_loss: 0.02, torch: '1.13', threads: 1 },
});

describe('summarizeRunnerVsBare', () => {
  it('pairs each repeat: a repeat where the machine was busy for both does not move the ratio', () => {
    const repeats: JobRepeat[] = [
      {
        bare: loop('bare', 30_000),
        runnerCore: loop('runner-core', 29_700),
        runner: loop('runner', 29_000),
        supervised: loop('supervised', 28_000),
        pytorch: null,
      },
      {
        bare: loop('bare', 10_000),
        runnerCore: loop('runner-core', 9_800),
        runner: loop('runner', 9_600),
        supervised: loop('supervised', 9_500),
        pytorch: null,
      },
      {
        bare: loop('bare', 32_000),
        runnerCore: loop('runner-core', 31_700),
        runner: loop('runner', 31_000),
        supervised: loop('supervised', 30_000),
        pytorch: null,
      },
    ];
    const s = summarizeRunnerVsBare(repeats, 2);
    expect(s.ratio).toBeCloseTo(29_000 / 30_000, 10);
    expect(s.runner_sps).toBe(29_000);
    expect(s.core_ratio).toBeCloseTo(0.99, 10);
    expect(s.core_sps).toBe(29_700);
    expect(s.bare_sps).toBe(30_000);
    expect(s.supervised_ratio).toBeCloseTo(30_000 / 32_000, 10);
    expect(s.epoch_ratio).toBeCloseTo(29_000 / 30_000, 10);
    expect(s.cpu_epoch_ratio).toBeCloseTo(29_000 / 30_000, 10);
    expect(s.final_valid_loss).toEqual({ bare: 0.3155, runner: 0.3155, supervised: 0.3155 });
    expect(s.ratio_range.runner![0]).toBeCloseTo(0.96, 10);
    expect(s.ratio_range.runner![1]).toBeCloseTo(31_000 / 32_000, 10);
    expect(s.errors).toBeUndefined();
  });

  it('keeps the reason when a contender failed, with how many repeats it lost', () => {
    const repeats: JobRepeat[] = [
      {
        bare: loop('bare', 30_000),
        runnerCore: null,
        runner: failed('exit code 1: runJob: not implemented yet'),
        supervised: null,
        pytorch: null,
      },
      {
        bare: loop('bare', 31_000),
        runnerCore: null,
        runner: failed('exit code 1: runJob: not implemented yet'),
        supervised: null,
        pytorch: null,
      },
    ];
    const s = summarizeRunnerVsBare(repeats, 2);
    expect(s.ratio).toBeNull();
    expect(s.best_epoch.ratio).toBeNull();
    expect(s.runner_sps).toBeNull();
    expect(s.bare_sps).toBe(30_500);
    expect(s.errors).toEqual({ runner: '2 of 2 repeats failed: exit code 1: runJob: not implemented yet' });
  });
});

describe('best epoch', () => {
  const epochs = (kind: LoopResult['kind'], perEpoch: (number | null)[]) => loop(kind, 1, { train_sps_per_epoch: perEpoch });

  it("takes each contender's fastest timed epoch over all repeats, never a warm-up epoch", () => {
    const repeats: JobRepeat[] = [
      // Epochs 1–2 warm up: the 99,000 must not count.
      {
        bare: epochs('bare', [99_000, 20, 50_000, 40_000]),
        runnerCore: null,
        runner: epochs('runner', [99_000, 20, 30_000, 47_000]),
        supervised: epochs('supervised', [1, 2, 45_000, null]),
        pytorch: null,
      },
      // A busy repeat: both slow, neither best.
      {
        bare: epochs('bare', [1, 2, 25_000, 24_000]),
        runnerCore: null,
        runner: epochs('runner', [1, 2, 23_000, 22_000]),
        supervised: failed('killed'),
        pytorch: null,
      },
    ];
    const b = summarizeRunnerVsBare(repeats, 2).best_epoch;
    expect(b.bare_sps).toBe(50_000);
    expect(b.runner_sps).toBe(47_000);
    expect(b.supervised_sps).toBe(45_000);
    expect(b.core_sps).toBeNull();
    expect(b.ratio).toBeCloseTo(0.94, 10);
    expect(b.supervised_ratio).toBeCloseTo(0.9, 10);
    expect(b.core_ratio).toBeNull();
  });

  it("compares with PyTorch's fastest epoch, or its whole-run rate from an older script", () => {
    const withEpochs = {
      ok: true as const,
      seconds: 2,
      value: {
        samples_per_second: 90_000,
        epoch_samples_per_second: [80_000, 100_000, 95_000],
        seconds: 0.3,
        last_loss: 0.02,
        torch: '1.13',
        threads: 1,
      },
    };
    const repeats: JobRepeat[] = [
      {
        bare: epochs('bare', [1, 1, 48_000]),
        runnerCore: null,
        runner: epochs('runner', [1, 1, 45_000]),
        supervised: null,
        pytorch: withEpochs,
      },
      {
        bare: epochs('bare', [1, 1, 40_000]),
        runnerCore: null,
        runner: epochs('runner', [1, 1, 44_000]),
        supervised: null,
        pytorch: pytorch(120_000),
      },
    ];
    const v = summarizeVsPytorch(repeats, { python: 'python3', torch: '1.13', blas: null }, 2).best_epoch;
    expect(v.pytorch_sps).toBe(120_000);
    expect(v.runlab_sps).toBe(45_000);
    expect(v.ratio).toBeCloseTo(0.375, 10);
    expect(v.bare_ratio).toBeCloseTo(0.4, 10);
  });
});

describe('summarizeVsPytorch', () => {
  it('compares the runner (and the bare loop) with PyTorch repeat by repeat', () => {
    const repeats: JobRepeat[] = [
      { bare: loop('bare', 30_000), runnerCore: null, runner: loop('runner', 28_000), supervised: null, pytorch: pytorch(100_000) },
      { bare: loop('bare', 15_000), runnerCore: null, runner: loop('runner', 14_000), supervised: null, pytorch: pytorch(50_000) },
      { bare: loop('bare', 33_000), runnerCore: null, runner: loop('runner', 30_000), supervised: null, pytorch: pytorch(100_000) },
    ];
    const v = summarizeVsPytorch(repeats, { python: '/usr/bin/python3', torch: '1.13', blas: null }, 2);
    expect(v.ratio).toBeCloseTo(0.28, 10);
    expect(v.bare_ratio).toBeCloseTo(0.3, 10);
    expect(v.pytorch_sps).toBe(100_000);
    expect(v.threads).toBe(1);
  });
});

describe('summarizeMemory', () => {
  it('checks numTensors is the same after every epoch of every run and measures RSS growth after epoch 1', () => {
    const a = loop('runner', 1, { rss_mb_per_epoch: [200, 201, 202, 203, 204] });
    const b = loop('runner', 1, { rss_mb_per_epoch: [202, 202, 203, 203, 206] });
    const m = summarizeMemory([value(a), value(b)]);
    expect(m.num_tensors_per_epoch).toEqual([4, 4, 4, 4, 4]);
    expect(m.num_tensors_identical).toBe(true);
    expect(m.rss_mb_per_epoch).toEqual([201, 201.5, 202.5, 203, 205]);
    expect(m.rss_growth_after_epoch_1_mb).toBe(4);
    expect(m.rss_growth_after_epoch_3_mb).toBe(2.5);
    expect(m.peak_rss_mb).toBe(210);
  });

  it('lists the first 5 epochs but checks them all', () => {
    const six = loop('runner', 1, { num_tensors_per_epoch: [4, 4, 4, 4, 4, 5], rss_mb_per_epoch: [200, 200, 200, 200, 200, 203] });
    const m = summarizeMemory([value(six)]);
    expect(m.num_tensors_per_epoch).toEqual([4, 4, 4, 4, 4]);
    expect(m.rss_mb_per_epoch).toHaveLength(5);
    expect(m.num_tensors_identical).toBe(false);
    expect(m.rss_growth_after_epoch_1_mb).toBe(3);
    expect(m.rss_growth_after_epoch_3_mb).toBe(3);
  });

  it('flags a leak: one more tensor after some epoch', () => {
    const leaky = loop('runner', 1, { num_tensors_per_epoch: [4, 5, 6, 7, 8] });
    expect(summarizeMemory([value(leaky)]).num_tensors_identical).toBe(false);
    expect(summarizeMemory([]).num_tensors_identical).toBeNull();
  });
});

describe('peakRssByContender', () => {
  it('takes the median peak of each contender and null for one never measured', () => {
    const repeats: JobRepeat[] = [220, 240, 230].map((mb) => ({
      bare: loop('bare', 1, { peak_rss_mb: mb }),
      runnerCore: null,
      runner: loop('runner', 1, { peak_rss_mb: mb + 10 }),
      supervised: loop('supervised', 1, { peak_rss_mb: null }),
      pytorch: null,
    }));
    expect(peakRssByContender(repeats)).toEqual({ bare: 230, runner: 240, supervised_trainer: null });
  });
});
