/**
 * The scaling grid's arithmetic (products' flops per sample, medians of steady epochs,
 * paired ratios, share of the peak, scaling across cores, failures kept with their reason),
 * the first-row summary, and how both print.
 */
import { describe, expect, it } from 'vitest';
import type { Outcome } from '../../../bench/lib/child';
import { summarizeFirstRow } from '../../../bench/lib/first-row-result';
import { trainingFlopsPerSample } from '../../../bench/lib/flops';
import { formatFirstRow, formatGrid } from '../../../bench/lib/format-report';
import { GRID_CELLS, gridWarmupEpochs, summarizeGrid, type GridRepeat, type PytorchRun } from '../../../bench/lib/grid';
import { parseJobOptions } from '../../../bench/lib/job-options';
import { runlabEnv } from '../../../bench/lib/measure-grid';
import type { LoopResult } from '../../../bench/lib/loop-result';

function runlab(perEpoch: number[], threads: number): Outcome<LoopResult> {
  return {
    ok: true,
    seconds: 5,
    value: {
      kind: 'runner',
      backend: 'wasm',
      device: `wasm (SIMD, FMA, ${threads} thread${threads === 1 ? '' : 's'})`,
      model: 'cnn',
      batch_size: 64,
      epochs: perEpoch.length,
      train_size: 8000,
      train_sps: null,
      train_sps_per_epoch: perEpoch,
      epoch_sps: null,
      epoch_cpu_sps: null,
      num_tensors_per_epoch: [],
      rss_mb_per_epoch: [],
      peak_rss_mb: null,
      final_valid_loss: null,
    },
  };
}

function pytorch(timed: number[], threads: number): Outcome<PytorchRun> {
  return {
    ok: true,
    seconds: 4,
    value: {
      samples_per_second: 0,
      epoch_samples_per_second: timed,
      median_epoch_samples_per_second: 0,
      best_epoch_samples_per_second: 0,
      threads,
      torch: '1.13.0',
    },
  };
}

describe('flops per sample', () => {
  it("count each layer's forward product, weight gradient and, but for the first layer, input gradient", () => {
    // 784·50 + 50·10 multiply-adds forward; ×2 for the first layer (no dx), ×3 for the second; 2 flops each.
    expect(trainingFlopsPerSample({ model: 'mlp', hidden: [50], filters: [8, 16] })).toBe(2 * (784 * 50 * 2 + 50 * 10 * 3));
    const conv1 = 14 * 14 * 8 * 9;
    const conv2 = 7 * 7 * 16 * 9 * 8;
    const dense = 784 * 10;
    expect(trainingFlopsPerSample({ model: 'cnn', hidden: [50], filters: [8, 16] })).toBe(2 * (2 * conv1 + 3 * conv2 + 3 * dense));
  });
});

describe('summarizeGrid', () => {
  it('takes medians of steady epochs (warm-up left out), pairs repeats, and sets GFLOP/s against the peak of the cores used', () => {
    const cell = GRID_CELLS.find((c) => c.id === 'cnn-8-16-bs64')!;
    const repeat = (scale: number): GridRepeat => ({
      // Warm-up epoch first (slow), then three steady ones.
      runlab_1: runlab([10, 50 * scale, 52 * scale, 48 * scale], 1),
      runlab_dense_1: null,
      runlab_all: runlab([10, 90 * scale, 80 * scale, 85 * scale], 2),
      pytorch_1: pytorch([45 * scale, 50 * scale, 40 * scale], 1),
      pytorch_all: { ok: false, error: 'exit code 1: boom\nstack', seconds: 1 },
    });
    const g = summarizeGrid([cell], [[repeat(1000)], [repeat(1100)]], { warmupEpochs: () => 1, timedEpochs: 3, cores: 2, coreGhz: 3 });
    const c = g.cells[0]!;
    expect(c.label).toBe('CNN 8-16, batch 64');
    expect(c.warmup_epochs).toBe(1);
    expect(c.contenders.runlab_1.median_sps).toBeCloseTo((50_000 + 55_000) / 2);
    expect(c.contenders.runlab_1.best_sps).toBeCloseTo(52 * 1100);
    expect(c.ratio_1_thread).toBeCloseTo(50 / 45);
    expect(c.best_ratio_1_thread).toBeCloseTo(52 / 50);
    expect(c.runlab_scaling).toBeCloseTo(85 / 50);
    expect(c.ratio_all_cores).toBeNull();
    expect(c.contenders.pytorch_all.error).toBe('exit code 1: boom');
    // 128-bit SIMD: 16 flops per cycle per core; Runlab's all-cores rate uses 2 of them.
    expect(g.peak_gflops_per_core.wasm_simd128).toBe(48);
    const flops = c.flops_per_sample;
    expect(c.contenders.runlab_1.gflops).toBeCloseTo((52_500 * flops) / 1e9);
    expect(c.contenders.runlab_all.peak_share).toBeCloseTo(c.contenders.runlab_all.gflops! / (48 * 2));
    expect(g.worst_ratio).toBeCloseTo(50 / 45);
    const text = formatGrid(g).join('\n');
    expect(text).toContain('CNN 8-16, batch 64');
    expect(text).toMatch(/CNN 8-16, batch 64 +1 epochs /);
    expect(text).toContain('1.11× (1.04×)');
    expect(text).toContain('! CNN 8-16, batch 64, pytorch_all: exit code 1: boom');
    // a CNN has no dense run and no sparse table
    expect(c.sparse_gain).toBeNull();
    expect(text).not.toContain('RUNLAB_SPARSE_INPUT=0');
  });

  it("pairs an MLP's sparse and dense runs (RUNLAB_SPARSE_INPUT=0) with each other and with PyTorch, and prints them", () => {
    const cell = GRID_CELLS.find((c) => c.id === 'mlp-50-bs64')!;
    const repeat = (sparse: number, dense: number, torch: number): GridRepeat => ({
      runlab_1: runlab([1, sparse, sparse + 2, sparse - 2], 1),
      runlab_dense_1: runlab([1, dense, dense + 1, dense - 1], 1),
      runlab_all: null,
      pytorch_1: pytorch([torch, torch + 10, torch - 10], 1),
      pytorch_all: null,
    });
    const g = summarizeGrid([cell], [[repeat(300, 200, 250)], [repeat(330, 200, 300)], [repeat(280, 210, 240)]], {
      warmupEpochs: () => 1,
      timedEpochs: 3,
      cores: 2,
      coreGhz: null,
    });
    const c = g.cells[0]!;
    // paired ratios 1.5, 1.65, 1.333…: the median
    expect(c.sparse_gain).toBeCloseTo(1.5);
    // dense / PyTorch: 0.8, 0.667, 0.875
    expect(c.ratio_dense_1_thread).toBeCloseTo(0.8);
    // sparse / PyTorch: 1.2, 1.1, 1.1667
    expect(c.ratio_1_thread).toBeCloseTo(280 / 240);
    expect(c.best_ratio_dense_1_thread).toBeCloseTo(211 / 310);
    // the lowest ratio is Runlab's as shipped, not its dense path
    expect(g.worst_ratio).toBeCloseTo(280 / 240);
    const text = formatGrid(g).join('\n');
    expect(text).toContain('against the dense products (RUNLAB_SPARSE_INPUT=0)');
    expect(text).toMatch(/MLP 50, batch 64 +300\/s +200\/s +250\/s +1\.50× +1\.17× \(1\.07×\) +0\.80× \(0\.68×\)/);
  });

  it("warms each cell up for its own epochs (a quarter, at least 1, in a quick run): what V8's compiler needs, the same for both sides", () => {
    const warmup = Object.fromEntries(GRID_CELLS.map((c) => [c.id, [gridWarmupEpochs(c, false), gridWarmupEpochs(c, true)]]));
    expect(warmup).toEqual({
      'mlp-50-bs64': [24, 6],
      'mlp-50-bs512': [24, 6],
      'mlp-512-bs64': [4, 1],
      'mlp-512-bs512': [4, 1],
      'mlp-2048-bs64': [2, 1],
      'mlp-2048-bs512': [2, 1],
      'cnn-8-16-bs64': [12, 3],
      'cnn-8-16-bs512': [12, 3],
      'cnn-32-64-bs64': [2, 1],
      'cnn-32-64-bs512': [2, 1],
    });
  });

  it('covers MLPs of 50, 512 and 2048 hidden units and both CNNs, each at batch 64 and 512', () => {
    expect(GRID_CELLS.map((c) => c.id)).toEqual([
      'mlp-50-bs64',
      'mlp-50-bs512',
      'mlp-512-bs64',
      'mlp-512-bs512',
      'mlp-2048-bs64',
      'mlp-2048-bs512',
      'cnn-8-16-bs64',
      'cnn-8-16-bs512',
      'cnn-32-64-bs64',
      'cnn-32-64-bs512',
    ]);
  });
});

describe('runlabEnv', () => {
  it("gives each Runlab contender its threads and sparse setting, whatever the caller's environment holds", () => {
    const user = { PATH: '/bin', RUNLAB_THREADS: '7', RUNLAB_SPARSE_INPUT: '0', OMP_NUM_THREADS: '3' };
    const pick = (e: NodeJS.ProcessEnv) => [e.RUNLAB_THREADS, e.RUNLAB_SPARSE_INPUT, e.OMP_NUM_THREADS, e.PATH];
    expect(pick(runlabEnv(user, 'runlab_1'))).toEqual(['1', undefined, undefined, '/bin']);
    expect(pick(runlabEnv(user, 'runlab_dense_1'))).toEqual(['1', '0', undefined, '/bin']);
    expect(pick(runlabEnv(user, 'runlab_all'))).toEqual([undefined, undefined, undefined, '/bin']);
    expect(user.RUNLAB_SPARSE_INPUT).toBe('0');
  });
});

describe('summarizeFirstRow', () => {
  it('gives each way of starting its median and best, and prints them', () => {
    const s = summarizeFirstRow({
      repeats: 3,
      samples: {
        cold_tsx: [3.1, 2.9, 3.3].map((x) => ({ first_row_s: x, running_s: x - 0.1 })),
        cold: [1.2, 1.0, 1.4].map((x) => ({ first_row_s: x, running_s: x - 0.1 })),
        warm: [0.05, 0.04, 0.06].map((x) => ({ first_row_s: x, running_s: x - 0.01 })),
      },
    });
    expect(s.variants.cold.median_s).toBe(1.2);
    expect(s.variants.warm.best_s).toBe(0.04);
    expect(s.variants.cold_tsx.running_median_s).toBeCloseTo(3.0);
    const text = formatFirstRow(s).join('\n');
    expect(text).toMatch(/warm \(a spare trainer started and prepared beforehand\)\s+0\.05 s\s+0\.04 s/);
  });
});

describe('bench job options', () => {
  it('take hidden sizes, the two filter counts and lr, and name a bad one', () => {
    expect(parseJobOptions('{"hidden":[512],"filters":[32,64],"lr":0.05}')).toMatchObject({ hidden: [512], filters: [32, 64], lr: 0.05 });
    expect(() => parseJobOptions('{"filters":[8]}')).toThrow('bench options: filters must be a list of 2 sizes, got [8]');
    expect(() => parseJobOptions('{"lr":0}')).toThrow('bench options: lr must be a number > 0, got 0');
  });
});
