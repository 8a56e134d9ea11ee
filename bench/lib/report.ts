/** The benchmark report: what `npm run bench -- --json` prints as its last line. */
import type { KernelSplitSummary } from './kernel-split-result';
import type { ThreadsSummary } from './threads-result';
import type { MachineInfo } from './machine';
import type { HookProfile } from './hook-profile-result';
import type { FirstRowSummary } from './first-row-result';
import type { GridSummary } from './grid';
import type { InterleavedSummary } from './interleaved-result';
import type { StepProfile } from './step-split';
import type { HistoryBenchResult } from './history-report';
import type { StoreBenchResult } from './store-report';

export interface RunnerVsBare {
  /** Median of paired runner/bare ratios of steady-state training samples/s. */
  ratio: number | null;
  runner_sps: number | null;
  bare_sps: number | null;
  /** The Runner's loop alone (only TrainEvalCallback) against the bare loop: the loop's share of the cost. */
  core_ratio: number | null;
  core_sps: number | null;
  /** The same through RunSupervisor + RunStore + a trainer child process. */
  supervised_ratio: number | null;
  supervised_sps: number | null;
  /** Ratios over whole epochs (training + validation + epoch-end work), epoch end to epoch end. */
  epoch_ratio: number | null;
  supervised_epoch_ratio: number | null;
  /** Whole epochs per CPU-second of the training process, runner vs bare: robust to a busy machine. */
  cpu_epoch_ratio: number | null;
  /**
   * Each contender's fastest timed epoch over all repeats and their ratios: the least noisy
   * view on a shared machine, where other work only ever slows a run down.
   */
  best_epoch: {
    bare_sps: number | null;
    core_sps: number | null;
    runner_sps: number | null;
    supervised_sps: number | null;
    core_ratio: number | null;
    ratio: number | null;
    supervised_ratio: number | null;
  };
  /** Final validation loss of each: equal when the loops do the same math on the same data. */
  final_valid_loss: { bare: number | null; runner: number | null; supervised: number | null };
  /** Smallest and largest per-repeat ratio against the bare loop: how much the machine's noise moved them. */
  ratio_range: { core: [number, number] | null; runner: [number, number] | null; supervised: [number, number] | null };
  repeats: number;
  /** Why a number is missing, per contender. */
  errors?: Record<string, string>;
}

export interface VsPytorch {
  /** Median of paired Runlab (runJob, wasm) / PyTorch ratios of training samples/s. */
  ratio: number | null;
  pytorch_sps: number | null;
  runlab_sps: number | null;
  /** Smallest and largest per-repeat Runlab/PyTorch ratio. */
  ratio_range: [number, number] | null;
  /** The bare loop against PyTorch: the ceiling of what the Runner could reach. */
  bare_ratio: number | null;
  /** The fastest timed epoch of each over all repeats, and their ratios. */
  best_epoch: { pytorch_sps: number | null; runlab_sps: number | null; ratio: number | null; bare_ratio: number | null };
  threads: 1;
  python: string;
  torch: string;
  blas: string | null;
  errors?: Record<string, string>;
}

export type BackendEntry =
  | { backend: string; model: string; batch_size: number; samples_per_second: number | null; repeats: number; loop: string; error?: string }
  | { backend: string; available: false; reason: string };

export interface TelemetryReport {
  rows_per_second: number | null;
  rows_per_message: number;
  rows: number;
  repeats: number;
  /** Rows per second the default job produces (one per training step): the load the pipeline carries. */
  default_job_rows_per_second: number | null;
  error?: string;
}

export interface BenchReport {
  machine: MachineInfo & { backend: string | null; device: string | null };
  settings: Record<string, unknown>;
  runner_vs_bare: RunnerVsBare | null;
  /** runner_vs_bare measured in one process, the loops taking turns epoch by epoch (bench/interleaved.ts). */
  interleaved: InterleavedSummary | null;
  interleaved_error?: string;
  vs_pytorch: VsPytorch | null;
  vs_pytorch_reason?: string;
  /** The scaling grid against PyTorch, 1 thread and every core (null: section not run). */
  grid: GridSummary | null;
  /** Runlab's kernels on 1 thread against every core, in one process per cell (null: section not run). */
  threads?: ThreadsSummary | null;
  threads_error?: string;
  /** The CNN preset's step kernel call by kernel call, 1 thread against every core (with the threads section). */
  kernel_split?: KernelSplitSummary | null;
  kernel_split_error?: string;
  /** Start → first stored row: cold from TypeScript, cold bundled, warm (null: section not run). */
  first_row: FirstRowSummary | null;
  first_row_error?: string;
  backends: BackendEntry[];
  telemetry_rows_per_second: number | null;
  telemetry: TelemetryReport | null;
  /** Metrics at scale (bench/store-metrics.ts): views, pages and the host's longest stall for big runs. */
  store_metrics?: StoreBenchResult | null;
  store_metrics_error?: string;
  /** History at scale (bench/history-ui.ts): scroll, sort and filter of 1000 runs in Chromium, per action. */
  history?: HistoryBenchResult | null;
  history_error?: string;
  /** Of the default job through runJob (median over repeats). */
  peak_rss_mb: number | null;
  num_tensors_per_epoch: (number | null)[];
  rss_mb_per_epoch: (number | null)[];
  memory_checks: {
    num_tensors_identical: boolean | null;
    rss_growth_after_epoch_1_mb: number | null;
    /** From epoch 3 to the last (the JIT's warm-up memory lands in epochs 2–3). */
    rss_growth_after_epoch_3_mb?: number | null;
    source: string;
    /** Median peak RSS of each contender's training process (supervised: the trainer child, from /proc). */
    peak_rss_mb_by_contender: { bare: number | null; runner: number | null; supervised_trainer: number | null };
    /**
     * One runJob with V8's optimizing compiler off (node --no-opt): what RSS does when the
     * JIT is not compiling hot code in the first epochs; null when not run.
     */
    without_optimizing_jit?: { rss_mb_per_epoch: (number | null)[]; rss_growth_after_epoch_1_mb: number | null } | { error: string } | null;
  };
  profile: StepProfile | null;
  profile_error?: string;
  /** Each default callback's cost per training step of runJob (wasm, MLP, batch 64). */
  runner_hooks: HookProfile | null;
  runner_hooks_error?: string;
  seconds: number;
}
