/**
 * From per-repeat outcomes to the report's numbers: medians, paired ratios, memory checks.
 * Pure functions, so the arithmetic is tested without running a benchmark.
 */
import type { Outcome } from './child';
import type { LoopResult } from './loop-result';
import type { RunnerVsBare, VsPytorch } from './report';
import { best, median, pairedRatio, pairedRatios, range, ratioOf } from './stats';

export interface PytorchResult {
  /** Pooled over the timed epochs (after the warm-up ones), each from its first step's end to its last's, as Runlab's are. */
  samples_per_second: number;
  /** Each timed epoch on its own. */
  epoch_samples_per_second?: number[];
  last_loss: number;
  torch: string;
  threads: number;
}

/** One interleaved repeat of the job contenders; null where a contender was not run. */
export interface JobRepeat {
  bare: Outcome<LoopResult> | null;
  /** The Runner with only TrainEvalCallback: its loop's cost without the default callbacks. */
  runnerCore: Outcome<LoopResult> | null;
  runner: Outcome<LoopResult> | null;
  supervised: Outcome<LoopResult> | null;
  pytorch: Outcome<PytorchResult> | null;
}

type Contender = keyof JobRepeat;
type ValueOf<C extends Contender> = NonNullable<JobRepeat[C]> extends Outcome<infer V> ? V : never;

/** One number per repeat from contender `who`; null where it was not run or failed. */
function values<C extends Contender, T>(repeats: readonly JobRepeat[], who: C, pick: (v: ValueOf<C>) => T | null): (T | null)[] {
  return repeats.map((r) => {
    const o = r[who];
    return o?.ok ? pick(o.value as ValueOf<C>) : null;
  });
}

/** The first error of each contender that never succeeded in some repeat (deduplicated). */
export function contenderErrors(repeats: readonly JobRepeat[], who: readonly Contender[]): Record<string, string> | undefined {
  const errors: Record<string, string> = {};
  for (const c of who) {
    const failed = repeats.map((r) => r[c]).find((o) => o !== null && !o.ok);
    if (failed && !failed.ok) {
      const n = repeats.filter((r) => r[c] !== null && !r[c]!.ok).length;
      errors[c] = `${n} of ${repeats.length} repeats failed: ${failed.error}`;
    }
  }
  return Object.keys(errors).length > 0 ? errors : undefined;
}

const trainSps = (v: LoopResult) => v.train_sps;
const epochSps = (v: LoopResult) => v.epoch_sps;
const epochCpuSps = (v: LoopResult) => v.epoch_cpu_sps;

/** Each repeat's timed epochs (after the warm-up ones), training passes only. */
const timedEpochs = (warmupEpochs: number) => (v: LoopResult) => v.train_sps_per_epoch.slice(warmupEpochs);

export function summarizeRunnerVsBare(repeats: readonly JobRepeat[], warmupEpochs: number): RunnerVsBare {
  const bare = values(repeats, 'bare', trainSps);
  const runner = values(repeats, 'runner', trainSps);
  const supervised = values(repeats, 'supervised', trainSps);
  const core = values(repeats, 'runnerCore', trainSps);
  const bareEpoch = values(repeats, 'bare', epochSps);
  const lastLoss = (who: 'bare' | 'runner' | 'supervised') =>
    values(repeats, who, (v: LoopResult) => v.final_valid_loss).find((x) => x != null) ?? null;
  const errors = contenderErrors(repeats, ['bare', 'runnerCore', 'runner', 'supervised']);
  return {
    ratio: pairedRatio(runner, bare),
    runner_sps: median(runner.filter((x): x is number => x != null)),
    bare_sps: median(bare.filter((x): x is number => x != null)),
    core_ratio: pairedRatio(core, bare),
    core_sps: median(core.filter((x): x is number => x != null)),
    supervised_ratio: pairedRatio(supervised, bare),
    supervised_sps: median(supervised.filter((x): x is number => x != null)),
    epoch_ratio: pairedRatio(values(repeats, 'runner', epochSps), bareEpoch),
    supervised_epoch_ratio: pairedRatio(values(repeats, 'supervised', epochSps), bareEpoch),
    cpu_epoch_ratio: pairedRatio(values(repeats, 'runner', epochCpuSps), values(repeats, 'bare', epochCpuSps)),
    best_epoch: bestEpochs(repeats, warmupEpochs),
    final_valid_loss: { bare: lastLoss('bare'), runner: lastLoss('runner'), supervised: lastLoss('supervised') },
    ratio_range: {
      core: range(pairedRatios(core, bare)),
      runner: range(pairedRatios(runner, bare)),
      supervised: range(pairedRatios(supervised, bare)),
    },
    repeats: repeats.length,
    ...(errors ? { errors } : {}),
  };
}

/** Each loop's fastest timed epoch over all repeats, and the ratios of those. */
function bestEpochs(repeats: readonly JobRepeat[], warmupEpochs: number): RunnerVsBare['best_epoch'] {
  const of = (who: 'bare' | 'runnerCore' | 'runner' | 'supervised') => best(values(repeats, who, timedEpochs(warmupEpochs)));
  const bare = of('bare');
  const core = of('runnerCore');
  const runner = of('runner');
  const supervised = of('supervised');
  return {
    bare_sps: bare,
    core_sps: core,
    runner_sps: runner,
    supervised_sps: supervised,
    core_ratio: ratioOf(core, bare),
    ratio: ratioOf(runner, bare),
    supervised_ratio: ratioOf(supervised, bare),
  };
}

export function summarizeVsPytorch(
  repeats: readonly JobRepeat[],
  env: { python: string; torch: string; blas: string | null },
  warmupEpochs: number,
): VsPytorch {
  const pytorch = values(repeats, 'pytorch', (v: PytorchResult) => v.samples_per_second);
  const runner = values(repeats, 'runner', trainSps);
  const errors = contenderErrors(repeats, ['pytorch', 'runner']);
  return {
    ratio: pairedRatio(runner, pytorch),
    pytorch_sps: median(pytorch.filter((x): x is number => x != null)),
    runlab_sps: median(runner.filter((x): x is number => x != null)),
    ratio_range: range(pairedRatios(runner, pytorch)),
    bare_ratio: pairedRatio(values(repeats, 'bare', trainSps), pytorch),
    best_epoch: bestVsPytorch(repeats, warmupEpochs),
    threads: 1,
    ...env,
    ...(errors ? { errors } : {}),
  };
}

/** Fastest timed epoch of PyTorch, runJob and the bare loop over all repeats, and their ratios. */
function bestVsPytorch(repeats: readonly JobRepeat[], warmupEpochs: number): VsPytorch['best_epoch'] {
  const pytorch = best(values(repeats, 'pytorch', (v: PytorchResult) => v.epoch_samples_per_second ?? [v.samples_per_second]));
  const runner = best(values(repeats, 'runner', timedEpochs(warmupEpochs)));
  const bare = best(values(repeats, 'bare', timedEpochs(warmupEpochs)));
  return { pytorch_sps: pytorch, runlab_sps: runner, ratio: ratioOf(runner, pytorch), bare_ratio: ratioOf(bare, pytorch) };
}

/** Median peak RSS of each contender's training process. */
export function peakRssByContender(repeats: readonly JobRepeat[]): {
  bare: number | null;
  runner: number | null;
  supervised_trainer: number | null;
} {
  const peak = (who: 'bare' | 'runner' | 'supervised') =>
    median(values(repeats, who, (v: LoopResult) => v.peak_rss_mb).filter((x): x is number => x != null));
  return { bare: peak('bare'), runner: peak('runner'), supervised_trainer: peak('supervised') };
}

/**
 * Per-epoch memory of the runs: numTensors from the first run, RSS as per-epoch medians, both
 * for the first `reportEpochs` epochs; the checks (numTensors identical, RSS growth after
 * epochs 1 and 3) cover every epoch of every run.
 */
export function summarizeMemory(
  results: readonly LoopResult[],
  reportEpochs = 5,
): {
  num_tensors_per_epoch: (number | null)[];
  rss_mb_per_epoch: (number | null)[];
  peak_rss_mb: number | null;
  num_tensors_identical: boolean | null;
  rss_growth_after_epoch_1_mb: number | null;
  /** From epoch 3 to the last: once V8's optimizing compiler has settled on the hot code. */
  rss_growth_after_epoch_3_mb: number | null;
} {
  if (results.length === 0) {
    return {
      num_tensors_per_epoch: [],
      rss_mb_per_epoch: [],
      peak_rss_mb: null,
      num_tensors_identical: null,
      rss_growth_after_epoch_1_mb: null,
      rss_growth_after_epoch_3_mb: null,
    };
  }
  const tensors = results[0]!.num_tensors_per_epoch;
  const all = results.flatMap((r) => r.num_tensors_per_epoch);
  const identical = all.length > 0 && all.every((n) => n !== null && n === all[0]);
  const epochs = Math.max(...results.map((r) => r.rss_mb_per_epoch.length));
  const rss = Array.from({ length: epochs }, (_, i) =>
    median(results.map((r) => r.rss_mb_per_epoch[i]).filter((x): x is number => x != null)),
  );
  const first = rss[0];
  const last = rss.at(-1);
  return {
    num_tensors_per_epoch: tensors.slice(0, reportEpochs),
    rss_mb_per_epoch: rss.slice(0, reportEpochs),
    peak_rss_mb: median(results.map((r) => r.peak_rss_mb).filter((x): x is number => x != null)),
    num_tensors_identical: identical,
    rss_growth_after_epoch_1_mb: first != null && last != null && epochs > 1 ? last - first : null,
    rss_growth_after_epoch_3_mb: rss[2] != null && last != null && epochs > 3 ? last - rss[2] : null,
  };
}
