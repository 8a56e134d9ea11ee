/**
 * `npm run bench`: runs every measurement in its own process — job contenders interleaved
 * repeat by repeat (rotating who goes first, since the machine is shared and noisy), then
 * the backend sweep, the telemetry pipeline and the step profile — and reports medians and
 * paired ratios as a table, plus one JSON object on the last stdout line with --json.
 * Progress goes to stderr.
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeBackends } from '../../src/main/training/backend';
import { loadMnistSample } from '../../src/main/training/data/mnist-sample';
import { summarizeInterleaved, type InterleavedResult, type InterleavedSummary } from './interleaved-result';
import {
  peakRssByContender,
  summarizeMemory,
  summarizeRunnerVsBare,
  summarizeVsPytorch,
  type JobRepeat,
  type PytorchResult,
} from './aggregate';
import { parseBenchArgs, USAGE, type BenchSettings } from './bench-args';
import { runMeasurementProcess, runProcess, type Outcome } from './child';
import type { HistoryBenchResult } from './history-report';
import type { StoreBenchResult } from './store-report';
import { fmtRate, formatReport } from './format-report';
import type { JobBenchOptions } from './job-options';
import type { LoopResult } from './loop-result';
import type { HookProfile } from './hook-profile-result';
import { measureCoreGhz } from './core-clock';
import { GRID_CELLS, gridWarmupEpochs, summarizeGrid, type GridCell, type GridSummary } from './grid';
import { machineInfo } from './machine';
import { allCoresEnv, measureGrid } from './measure-grid';
import { summarizeFirstRow, type FirstRowResult, type FirstRowSummary } from './first-row-result';
import { summarizeKernelSplit, type KernelSplitResult, type KernelSplitSummary } from './kernel-split-result';
import { summarizeThreads, type ThreadsResult, type ThreadsSummary } from './threads-result';
import { blasLibrary, findTorchPython, singleThreadEnv, writeTrainSet, type TorchPython } from './python';
import type { BackendEntry, BenchReport, TelemetryReport } from './report';
import { median } from './stats';
import type { StepProfile } from './step-split';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const entry = (name: string) => join(BENCH_DIR, name);
const PYTORCH_SCRIPT = join(BENCH_DIR, 'reference', 'pytorch_train.py');
/** A sweep cell whose first repeat took longer than this is not repeated. */
const SLOW_CELL_SECONDS = 20;

const log = (line: string) => process.stderr.write(`[bench] ${line}\n`);

interface Context {
  settings: BenchSettings;
  env: NodeJS.ProcessEnv;
  tmp: string;
}

function rotate<T>(items: readonly T[], by: number): T[] {
  const k = by % Math.max(1, items.length);
  return [...items.slice(k), ...items.slice(0, k)];
}

function describe<T>(o: Outcome<T>, rate: (v: T) => number | null): string {
  return o.ok ? `${fmtRate(rate(o.value))} (${o.seconds.toFixed(1)} s)` : `FAILED (${o.seconds.toFixed(1)} s): ${o.error.split('\n')[0]}`;
}

async function measureJobs(ctx: Context, python: TorchPython | null, trainFiles: { x: string; y: string } | null): Promise<JobRepeat[]> {
  const { settings, env } = ctx;
  const job: Partial<JobBenchOptions> = {
    backend: 'wasm',
    model: 'mlp',
    batchSize: 64,
    epochs: settings.epochs,
    warmupEpochs: settings.warmupEpochs,
    budgetMs: null,
  };
  const loop = (file: string) => () => runMeasurementProcess<LoopResult>(entry(file), job, { env });
  const pytorch =
    python && trainFiles
      ? () =>
          runProcess<PytorchResult>(
            python.path,
            [
              PYTORCH_SCRIPT,
              '--x',
              trainFiles.x,
              '--y',
              trainFiles.y,
              '--batch-size',
              '64',
              '--epochs',
              String(settings.epochs - settings.warmupEpochs),
              '--warmup-epochs',
              String(settings.warmupEpochs),
              '--model',
              'mlp',
              '--threads',
              '1',
            ],
            { env: singleThreadEnv(env) },
          )
      : null;
  const order: (keyof JobRepeat)[] = ['bare', 'runnerCore', 'runner', 'supervised', ...(pytorch ? ['pytorch' as const] : [])];
  const repeats: JobRepeat[] = [];
  for (let r = 0; r < settings.repeats; r++) {
    const rep: JobRepeat = { bare: null, runnerCore: null, runner: null, supervised: null, pytorch: null };
    for (const who of rotate(order, r)) {
      let line: string;
      if (who === 'pytorch') {
        rep.pytorch = await pytorch!();
        line = describe(rep.pytorch, (v) => v.samples_per_second);
      } else {
        const o = await loop(
          { bare: 'bare-loop.ts', runnerCore: 'runner-core.ts', runner: 'runner-job.ts', supervised: 'supervised-job.ts' }[who],
        )();
        rep[who] = o;
        line = describe(o, (v) => v.train_sps);
      }
      log(`jobs ${r + 1}/${settings.repeats}: ${who.padEnd(11)} ${line}`);
    }
    repeats.push(rep);
  }
  return repeats;
}

async function measureBackends(ctx: Context): Promise<BackendEntry[]> {
  const { settings, env } = ctx;
  const probe = await probeBackends();
  const entries: BackendEntry[] = [];
  const cells: { backend: 'tensorflow' | 'wasm' | 'cpu'; model: 'mlp' | 'cnn'; batchSize: number }[] = [];
  for (const b of probe) {
    if (!b.available) {
      entries.push({ backend: b.name, available: false, reason: b.reason ?? 'unavailable' });
      continue;
    }
    for (const model of ['mlp', 'cnn'] as const) for (const batchSize of [64, 512]) cells.push({ backend: b.name, model, batchSize });
  }
  const file = entry(settings.sweepLoop === 'runner' ? 'runner-job.ts' : 'bare-loop.ts');
  const results = cells.map(() => [] as Outcome<LoopResult>[]);
  for (let r = 0; r < settings.sweepRepeats; r++) {
    for (const i of rotate([...cells.keys()], r)) {
      const cell = cells[i]!;
      const prior = results[i]!;
      if (r > 0 && (prior.length === 0 || !prior[0]!.ok || prior[0]!.seconds > SLOW_CELL_SECONDS)) continue;
      const opts: Partial<JobBenchOptions> = {
        ...cell,
        epochs: 1000,
        budgetMs: settings.sweepBudgetMs,
        warmupMs: settings.sweepWarmupMs,
        warmupBatches: 1,
        minTimedBatches: 1,
      };
      const outcome = await runMeasurementProcess<LoopResult>(file, opts, { env });
      prior.push(outcome);
      log(
        `backends ${r + 1}/${settings.sweepRepeats}: ${cell.backend} ${cell.model} bs ${cell.batchSize}: ${describe(outcome, (v) => v.train_sps)}`,
      );
    }
  }
  cells.forEach((cell, i) => {
    const ok = results[i]!.filter((o): o is Extract<Outcome<LoopResult>, { ok: true }> => o.ok);
    const failed = results[i]!.find((o) => !o.ok);
    entries.push({
      backend: cell.backend,
      model: cell.model,
      batch_size: cell.batchSize,
      samples_per_second: median(ok.map((o) => o.value.train_sps).filter((x): x is number => x != null)),
      repeats: ok.length,
      loop: settings.sweepLoop === 'runner' ? 'runJob' : 'bare loop',
      ...(ok.length === 0 && failed && !failed.ok ? { error: failed.error.split('\n')[0]! } : {}),
    });
  });
  return entries;
}

interface TelemetryResult {
  rows_per_second: number;
  rows_stored: number;
  rows: number;
}

async function measureTelemetry(ctx: Context, defaultJobSps: number | null): Promise<TelemetryReport> {
  const { settings, env } = ctx;
  const rates: number[] = [];
  let error: string | undefined;
  for (let r = 0; r < settings.telemetryRepeats; r++) {
    const o = await runMeasurementProcess<TelemetryResult>(
      entry('telemetry.ts'),
      { rows: settings.telemetryRows, rowsPerMessage: 256 },
      { env },
    );
    log(`telemetry ${r + 1}/${settings.telemetryRepeats}: ${describe(o, (v) => v.rows_per_second)}`);
    if (o.ok && o.value.rows_stored !== o.value.rows) error = `stored ${o.value.rows_stored} of ${o.value.rows} rows`;
    if (o.ok) rates.push(o.value.rows_per_second);
    else error ??= o.error.split('\n')[0]!;
  }
  return {
    rows_per_second: median(rates),
    rows_per_message: 256,
    rows: settings.telemetryRows,
    repeats: rates.length,
    default_job_rows_per_second: defaultJobSps === null ? null : defaultJobSps / 64,
    ...(error ? { error } : {}),
  };
}

export async function runBench(argv: readonly string[]): Promise<number> {
  let settings: BenchSettings;
  try {
    settings = parseBenchArgs(argv);
  } catch (err) {
    process.stderr.write(`npm run bench: ${(err as Error).message}\n`);
    return 2;
  }
  if (settings.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const started = performance.now();
  const machine = machineInfo();
  const tmp = await mkdtemp(join(tmpdir(), 'runlab-bench-'));
  // Children keep their data cache in a temp Runlab home, never in the user's. Every
  // section but the grid compares one thread with one thread: the kernels' threads are the
  // grid's all-cores columns.
  const home = join(tmp, 'home');
  await mkdir(home);
  const ctx: Context = { settings, env: { ...process.env, RUNLAB_HOME: home, RUNLAB_THREADS: '1' }, tmp };
  const on = (s: BenchSettings['sections'][number]) => settings.sections.includes(s);
  try {
    log(
      `machine: ${machine.cpu}, ${machine.cores} cores, load ${machine.load_average}; ${settings.quick ? 'quick' : 'full'} run, ${settings.repeats} repeats`,
    );
    const split = await loadMnistSample({ cacheDir: join(home, 'cache') });

    let repeats: JobRepeat[] = [];
    let python: TorchPython | null = null;
    let pythonReason: string | undefined;
    if (on('jobs')) {
      const found = findTorchPython();
      if ('python' in found) python = found.python;
      else pythonReason = found.reason;
      const files = python ? await writeTrainSet(tmp, split.train) : null;
      log(python ? `PyTorch: ${python.path} (torch ${python.torch})` : `PyTorch: skipped — ${pythonReason}`);
      repeats = await measureJobs(ctx, python, files);
    }
    const rb = on('jobs') ? summarizeRunnerVsBare(repeats, settings.warmupEpochs) : null;
    const vp = python
      ? summarizeVsPytorch(repeats, { python: python.path, torch: python.torch, blas: blasLibrary() }, settings.warmupEpochs)
      : null;
    const runnerRuns = repeats.flatMap((r) => (r.runner?.ok ? [r.runner.value] : []));
    const memory = summarizeMemory(runnerRuns);
    const firstRun = repeats.flatMap((r) => [r.runner, r.bare]).find((o) => o?.ok);

    let interleaved: InterleavedSummary | null = null;
    let interleavedError: string | undefined;
    if (on('jobs')) {
      const rounds = settings.interleavedRounds;
      const o = await runMeasurementProcess<InterleavedResult>(
        entry('interleaved.ts'),
        { epochs: rounds, warmupEpochs: Math.min(3, rounds - 1) },
        { env: ctx.env },
      );
      if (o.ok) interleaved = summarizeInterleaved(o.value);
      else interleavedError = o.error;
      log(
        `interleaved: ${interleaved ? `runJob ${interleaved.runner.ratio?.toFixed(3)}× bare over ${interleaved.rounds} rounds` : `FAILED: ${interleavedError}`}`,
      );
    }

    // RSS rises in the first epochs while V8's optimizing compiler works on the hot code; the
    // same run with it off shows what the training itself holds.
    let withoutJit: BenchReport['memory_checks']['without_optimizing_jit'] = null;
    if (on('jobs')) {
      const o = await runMeasurementProcess<LoopResult>(
        entry('runner-job.ts'),
        { epochs: settings.epochs },
        { env: ctx.env, nodeArgs: ['--no-opt'] },
      );
      if (o.ok) {
        const m = summarizeMemory([o.value]);
        withoutJit = { rss_mb_per_epoch: m.rss_mb_per_epoch, rss_growth_after_epoch_1_mb: m.rss_growth_after_epoch_1_mb };
      } else withoutJit = { error: o.error };
      log(
        `memory without the optimizing JIT: ${'error' in withoutJit ? `FAILED: ${withoutJit.error}` : `growth after epoch 1 ${withoutJit.rss_growth_after_epoch_1_mb?.toFixed(1)} MB`}`,
      );
    }

    let grid: GridSummary | null = null;
    if (on('grid')) {
      const found = python ? { python } : findTorchPython();
      const gridPython = 'python' in found ? found.python : null;
      if (!gridPython && 'reason' in found) log(`grid: PyTorch skipped — ${found.reason}`);
      const files = gridPython ? await writeTrainSet(tmp, split.train) : null;
      const ghz = [await measureCoreGhz()];
      log(`grid: core clock ${ghz[0]!.toFixed(2)} GHz (dependent-add chain)`);
      const warmupEpochs = (cell: GridCell) => gridWarmupEpochs(cell, settings.quick);
      const runs = await measureGrid(GRID_CELLS, {
        benchDir: BENCH_DIR,
        env: ctx.env,
        python: gridPython,
        trainFiles: files,
        repeats: settings.gridRepeats,
        warmupEpochs,
        timedEpochs: settings.gridTimedEpochs,
        log,
      });
      ghz.push(await measureCoreGhz());
      grid = summarizeGrid(GRID_CELLS, runs, {
        warmupEpochs,
        timedEpochs: settings.gridTimedEpochs,
        cores: machine.cores,
        coreGhz: Math.max(...ghz),
      });
    }

    let threads: ThreadsSummary | null = null;
    let threadsError: string | undefined;
    let kernelSplit: KernelSplitSummary | null = null;
    let kernelSplitError: string | undefined;
    if (on('threads')) {
      // 12 untimed turns: V8 compiles the hot JavaScript over the first ~1,000 steps (grid.ts).
      const [rounds, warmupRounds] = settings.quick ? [10, 4] : [32, 12];
      // Every core for the process (its turns on 1 thread set that themselves).
      const o = await runMeasurementProcess<ThreadsResult>(
        entry('threads-interleaved.ts'),
        { rounds, warmupRounds },
        { env: allCoresEnv(ctx.env) },
      );
      if (o.ok) threads = summarizeThreads(o.value);
      else threadsError = o.error;
      log(`threads: ${threads ? threads.cells.map((c) => `${c.label} ${c.ratio?.toFixed(2)}×`).join(', ') : `FAILED: ${threadsError}`}`);
      const split = await runMeasurementProcess<KernelSplitResult>(
        entry('kernel-split.ts'),
        settings.quick ? { rounds: 6, warmupRounds: 4 } : { rounds: 16, warmupRounds: 6 },
        { env: allCoresEnv(ctx.env) },
      );
      if (split.ok) kernelSplit = summarizeKernelSplit(split.value);
      else kernelSplitError = split.error;
      log(
        `kernel split: ${kernelSplit ? `step ${kernelSplit.step.speedup?.toFixed(2)}× on ${kernelSplit.cores} cores` : `FAILED: ${kernelSplitError}`}`,
      );
    }

    let firstRow: FirstRowSummary | null = null;
    let firstRowError: string | undefined;
    if (on('first-row')) {
      const o = await runMeasurementProcess<FirstRowResult>(entry('first-row.ts'), { repeats: settings.firstRowRepeats }, { env: ctx.env });
      if (o.ok) firstRow = summarizeFirstRow(o.value);
      else firstRowError = o.error;
      log(
        `first row: ${firstRow ? (['cold_tsx', 'cold', 'warm'] as const).map((v) => `${v} ${firstRow!.variants[v].median_s?.toFixed(2)} s`).join(', ') : `FAILED: ${firstRowError}`}`,
      );
    }

    const backends = on('backends') ? await measureBackends(ctx) : [];
    const telemetry = on('telemetry') ? await measureTelemetry(ctx, rb?.runner_sps ?? rb?.bare_sps ?? null) : null;

    let profile: StepProfile | null = null;
    let profileError: string | undefined;
    if (on('profile')) {
      const o = await runMeasurementProcess<StepProfile>(
        entry('step-profile.ts'),
        { backend: 'wasm', model: 'mlp', batchSize: 64 },
        { env: ctx.env },
      );
      log(`profile: ${describe(o, (v) => v.samples_per_second)}`);
      if (o.ok) profile = o.value;
      else profileError = o.error;
    }

    let hooks: HookProfile | null = null;
    let hooksError: string | undefined;
    if (on('profile')) {
      const o = await runMeasurementProcess<HookProfile>(entry('hook-profile.ts'), { epochs: settings.epochs }, { env: ctx.env });
      log(
        `runner hooks: ${o.ok ? `${o.value.hooks_ms_per_step.toFixed(3)} of ${o.value.step_ms.toFixed(3)} ms per step` : `FAILED: ${o.error}`}`,
      );
      if (o.ok) hooks = o.value;
      else hooksError = o.error;
    }

    // Metrics at scale: its own process (it starts host processes of its own); quick runs use smaller runs.
    let storeMetrics: StoreBenchResult | null = null;
    let storeError: string | undefined;
    if (on('store')) {
      const sizes = settings.quick ? [200_000, 1_000_000] : [1_000_000, 5_000_000];
      const o = await runMeasurementProcess<StoreBenchResult>(entry('store-metrics.ts'), { sizes }, { env: ctx.env, timeoutMs: 1_800_000 });
      if (o.ok) storeMetrics = o.value;
      else storeError = o.error;
      log(
        `store: ${o.ok ? o.value.sizes.map((z) => `${z.rows} rows open ${z.phases.open_cold.ms} ms cold`).join(', ') : `FAILED: ${o.error}`}`,
      );
    }

    // History at scale: its own process (it starts a host and Chromium of its own).
    let history: HistoryBenchResult | null = null;
    let historyError: string | undefined;
    if (on('history')) {
      const o = await runMeasurementProcess<HistoryBenchResult>(
        entry('history-ui.ts'),
        { runs: 1000 },
        { env: ctx.env, timeoutMs: 300_000 },
      );
      if (o.ok) history = o.value;
      else historyError = o.error;
      log(
        `history: ${o.ok ? `${o.value.runs} runs, sort work median ${o.value.actions.sort.work_median_ms} ms, ${o.value.actions.sort.within_one_frame}/${o.value.actions.sort.count} within one frame` : `FAILED: ${o.error}`}`,
      );
    }

    const report: BenchReport = {
      machine: {
        ...machine,
        backend: firstRun?.ok ? firstRun.value.backend : (profile?.backend ?? null),
        device: firstRun?.ok ? firstRun.value.device : (profile?.device ?? null),
      },
      settings: { ...settings, json: undefined, help: undefined, job: 'mnist-sample, mlp [50], sgd lr 0.5, batch 64, wasm' },
      runner_vs_bare: rb,
      interleaved,
      ...(interleavedError ? { interleaved_error: interleavedError } : {}),
      vs_pytorch: vp,
      ...(vp === null ? { vs_pytorch_reason: on('jobs') ? pythonReason : 'jobs section not run' } : {}),
      grid,
      ...(on('threads') ? { threads } : {}),
      ...(threadsError ? { threads_error: threadsError } : {}),
      ...(on('threads') ? { kernel_split: kernelSplit } : {}),
      ...(kernelSplitError ? { kernel_split_error: kernelSplitError } : {}),
      first_row: firstRow,
      ...(firstRowError ? { first_row_error: firstRowError } : {}),
      backends,
      telemetry_rows_per_second: telemetry?.rows_per_second ?? null,
      telemetry,
      ...(on('store') ? { store_metrics: storeMetrics } : {}),
      ...(storeError ? { store_metrics_error: storeError } : {}),
      ...(on('history') ? { history } : {}),
      ...(historyError ? { history_error: historyError } : {}),
      peak_rss_mb: memory.peak_rss_mb,
      num_tensors_per_epoch: memory.num_tensors_per_epoch,
      rss_mb_per_epoch: memory.rss_mb_per_epoch,
      memory_checks: {
        num_tensors_identical: memory.num_tensors_identical,
        rss_growth_after_epoch_1_mb: memory.rss_growth_after_epoch_1_mb,
        rss_growth_after_epoch_3_mb: memory.rss_growth_after_epoch_3_mb,
        source: runnerRuns.length > 0 ? 'runJob' : 'none',
        peak_rss_mb_by_contender: peakRssByContender(repeats),
        without_optimizing_jit: withoutJit,
      },
      profile,
      ...(profileError ? { profile_error: profileError } : {}),
      runner_hooks: hooks,
      ...(hooksError ? { runner_hooks_error: hooksError } : {}),
      seconds: (performance.now() - started) / 1000,
    };
    process.stdout.write(`${formatReport(report)}\n`);
    if (settings.json) process.stdout.write(`${JSON.stringify(report)}\n`);
    return 0;
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
