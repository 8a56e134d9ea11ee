/**
 * The scaling grid: Runlab (runJob on wasm) against PyTorch on MLPs of 50, 512 and 2048
 * hidden units and on the small and the wider CNN, at batch 64 and 512 — each on one thread
 * and on every core, measured the same way on both sides (the cell's warm-up epochs
 * excluded, each epoch's training pass from its first step's end to its last's), interleaved
 * cell by cell and repeat by repeat. Beside each rate: the GFLOP/s of its products and the share of the
 * cores' peak that is. The MLP cells also run Runlab on one thread with RUNLAB_SPARSE_INPUT=0
 * (the first dense layer's dense products, kernels/sparse-input.ts), so the gain of the
 * sparse products and both paths' ratios to PyTorch come from the same run.
 */
import type { Outcome } from './child';
import { FLOPS_PER_CYCLE } from './core-clock';
import { trainingFlopsPerSample, type ModelShape } from './flops';
import type { LoopResult } from './loop-result';
import { best, median, pairedRatio, pairedRatios, range, ratioOf } from './stats';

export interface GridCell extends ModelShape {
  id: string;
  batchSize: number;
  /**
   * Untimed epochs before the timed ones, for every contender: at least ~1 s of Runlab's
   * training. V8 takes about that long (~1,000 steps of the small models) to compile the
   * hot JavaScript around the kernels; measured in fresh processes, the CNN preset at batch
   * 64 on 2 cores ran its epochs 2–9 at 83–119k samples/s and its epochs 11–24 at
   * 130–144k, and the default MLP's shape reached its speed after 7–9 epochs. Counted in
   * epochs, not time, so that both sides train the same epochs.
   */
  warmupEpochs: number;
}

const mlp = (hidden: number, batchSize: number, warmupEpochs: number): GridCell => ({
  id: `mlp-${hidden}-bs${batchSize}`,
  model: 'mlp',
  hidden: [hidden],
  filters: [8, 16],
  batchSize,
  warmupEpochs,
});
const cnn = (filters: [number, number], batchSize: number, warmupEpochs: number): GridCell => ({
  id: `cnn-${filters.join('-')}-bs${batchSize}`,
  model: 'cnn',
  hidden: [50],
  filters,
  batchSize,
  warmupEpochs,
});

/** Epochs of 8,000 samples: ~40 ms for MLP 50, ~0.3 s for MLP 512, ~0.1 s for the preset, ~1 s for the rest. */
export const GRID_CELLS: readonly GridCell[] = [
  mlp(50, 64, 24),
  mlp(50, 512, 24),
  mlp(512, 64, 4),
  mlp(512, 512, 4),
  mlp(2048, 64, 2),
  mlp(2048, 512, 2),
  cnn([8, 16], 64, 12),
  cnn([8, 16], 512, 12),
  cnn([32, 64], 64, 2),
  cnn([32, 64], 512, 2),
];

/** A cell's warm-up epochs in a full run, or (quick) a quarter of them, at least 1. */
export function gridWarmupEpochs(cell: GridCell, quick: boolean): number {
  return quick ? Math.max(1, Math.ceil(cell.warmupEpochs / 4)) : cell.warmupEpochs;
}

/** A plain-SGD learning rate every cell trains at without diverging (lr 0.5 sends the wide MLPs to NaN). */
export const GRID_LR = 0.05;

export function cellLabel(c: GridCell): string {
  const model =
    c.model === 'mlp' ? `MLP ${c.hidden.join('-')}` : c.filters[0] === 8 && c.filters[1] === 16 ? 'CNN 8-16' : `CNN ${c.filters.join('-')}`;
  return `${model}, batch ${c.batchSize}`;
}

export type GridContender = 'runlab_1' | 'runlab_dense_1' | 'runlab_all' | 'pytorch_1' | 'pytorch_all';
export const GRID_CONTENDERS: readonly GridContender[] = ['runlab_1', 'pytorch_1', 'runlab_dense_1', 'runlab_all', 'pytorch_all'];

/** Whether a cell runs runlab_dense_1: only an MLP's first layer takes the image batch, so only it has sparse products. */
export const hasDenseContender = (cell: GridCell): boolean => cell.model === 'mlp';

/** What a PyTorch run reports (bench/reference/pytorch_train.py). */
export interface PytorchRun {
  samples_per_second: number;
  epoch_samples_per_second: number[];
  median_epoch_samples_per_second: number;
  best_epoch_samples_per_second: number;
  threads: number;
  torch: string;
}

/** One repeat of one cell: each contender's outcome. */
export type GridRepeat = { [C in GridContender]: Outcome<LoopResult> | Outcome<PytorchRun> | null };

/** Median and best of a run's steady (timed) epochs. */
export function steadyEpochs(o: Outcome<LoopResult> | Outcome<PytorchRun> | null, warmupEpochs: number): number[] {
  if (!o?.ok) return [];
  const v = o.value;
  const list = 'train_sps_per_epoch' in v ? v.train_sps_per_epoch.slice(warmupEpochs) : v.epoch_samples_per_second;
  return list.filter((x): x is number => x != null && Number.isFinite(x));
}

export interface ContenderSummary {
  /** Median over repeats of each run's median steady epoch. */
  median_sps: number | null;
  /** The fastest steady epoch over all repeats. */
  best_sps: number | null;
  /** GFLOP/s of the products at median_sps, and that over the peak of the cores it used. */
  gflops: number | null;
  peak_share: number | null;
  threads: number | null;
  runs: number;
  error?: string;
}

export interface GridCellSummary {
  id: string;
  label: string;
  model: string;
  batch_size: number;
  /** Untimed epochs before the timed ones (GridCell.warmupEpochs). */
  warmup_epochs: number;
  flops_per_sample: number;
  contenders: Record<GridContender, ContenderSummary>;
  /** Runlab / PyTorch, 1 thread each and every core each: medians of paired repeats, and of best epochs. */
  ratio_1_thread: number | null;
  ratio_1_thread_range: [number, number] | null;
  best_ratio_1_thread: number | null;
  ratio_all_cores: number | null;
  best_ratio_all_cores: number | null;
  /** Every core against one thread, for each side (paired repeats). */
  runlab_scaling: number | null;
  pytorch_scaling: number | null;
  /**
   * MLP cells: Runlab's sparse first-layer products against its dense ones (runlab_1 /
   * runlab_dense_1, paired repeats), and the dense path against PyTorch (median of paired
   * repeats, best epochs); null for the CNNs.
   */
  sparse_gain: number | null;
  ratio_dense_1_thread: number | null;
  best_ratio_dense_1_thread: number | null;
}

export interface GridSummary {
  cells: GridCellSummary[];
  repeats: number;
  timed_epochs: number;
  lr: number;
  cores: number;
  /** Measured clock (best of several runs of a dependent-add chain) and the peaks it gives per core. */
  core_ghz: number | null;
  peak_gflops_per_core: { wasm_simd128: number | null; avx2: number | null };
  /** The smallest 1-thread and all-cores ratio over the cells (Runlab as it ships: sparse products on). */
  worst_ratio: number | null;
}

function threadsOf(o: Outcome<LoopResult> | Outcome<PytorchRun> | null): number | null {
  if (!o?.ok) return null;
  const v = o.value;
  if ('threads' in v) return v.threads;
  const m = /(\d+) threads?\)/.exec(v.device);
  return m ? Number(m[1]) : null;
}

export function summarizeGrid(
  cells: readonly GridCell[],
  repeats: readonly GridRepeat[][],
  opts: { warmupEpochs: (cell: GridCell) => number; timedEpochs: number; cores: number; coreGhz: number | null },
): GridSummary {
  const peakWasm = opts.coreGhz === null ? null : opts.coreGhz * FLOPS_PER_CYCLE.wasmSimd128;
  const peakAvx2 = opts.coreGhz === null ? null : opts.coreGhz * FLOPS_PER_CYCLE.avx2;
  const summaries = cells.map((cell, i): GridCellSummary => {
    const runs = repeats.map((r) => r[i]!);
    const flops = trainingFlopsPerSample(cell);
    const warmup = opts.warmupEpochs(cell);
    const perRepeat = (who: GridContender) => runs.map((r) => median(steadyEpochs(r[who], warmup)));
    const summary = (who: GridContender): ContenderSummary => {
      const medians = perRepeat(who).filter((x): x is number => x != null);
      const sps = median(medians);
      const threads = runs.map((r) => threadsOf(r[who])).find((t) => t != null) ?? null;
      const perCore = who.startsWith('runlab') ? peakWasm : peakAvx2;
      const gflops = sps === null ? null : (sps * flops) / 1e9;
      const failed = runs.map((r) => r[who]).find((o) => o !== null && !o.ok);
      return {
        median_sps: sps,
        best_sps: best(runs.map((r) => steadyEpochs(r[who], warmup))),
        gflops,
        peak_share: gflops !== null && perCore !== null && threads ? gflops / (perCore * threads) : null,
        threads,
        runs: medians.length,
        ...(failed && !failed.ok ? { error: failed.error.split('\n')[0]! } : {}),
      };
    };
    const contenders = Object.fromEntries(GRID_CONTENDERS.map((c) => [c, summary(c)])) as Record<GridContender, ContenderSummary>;
    return {
      id: cell.id,
      label: cellLabel(cell),
      model: cell.model,
      batch_size: cell.batchSize,
      warmup_epochs: warmup,
      flops_per_sample: flops,
      contenders,
      ratio_1_thread: pairedRatio(perRepeat('runlab_1'), perRepeat('pytorch_1')),
      ratio_1_thread_range: range(pairedRatios(perRepeat('runlab_1'), perRepeat('pytorch_1'))),
      best_ratio_1_thread: ratioOf(contenders.runlab_1.best_sps, contenders.pytorch_1.best_sps),
      ratio_all_cores: pairedRatio(perRepeat('runlab_all'), perRepeat('pytorch_all')),
      best_ratio_all_cores: ratioOf(contenders.runlab_all.best_sps, contenders.pytorch_all.best_sps),
      runlab_scaling: pairedRatio(perRepeat('runlab_all'), perRepeat('runlab_1')),
      pytorch_scaling: pairedRatio(perRepeat('pytorch_all'), perRepeat('pytorch_1')),
      sparse_gain: pairedRatio(perRepeat('runlab_1'), perRepeat('runlab_dense_1')),
      ratio_dense_1_thread: pairedRatio(perRepeat('runlab_dense_1'), perRepeat('pytorch_1')),
      best_ratio_dense_1_thread: ratioOf(contenders.runlab_dense_1.best_sps, contenders.pytorch_1.best_sps),
    };
  });
  const ratios = summaries.flatMap((s) => [s.ratio_1_thread, s.ratio_all_cores]).filter((x): x is number => x != null);
  return {
    cells: summaries,
    repeats: repeats.length,
    timed_epochs: opts.timedEpochs,
    lr: GRID_LR,
    cores: opts.cores,
    core_ghz: opts.coreGhz,
    peak_gflops_per_core: { wasm_simd128: peakWasm, avx2: peakAvx2 },
    worst_ratio: ratios.length > 0 ? Math.min(...ratios) : null,
  };
}
