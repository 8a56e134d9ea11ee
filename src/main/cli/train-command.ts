/**
 * `runlab train`: a headless run from a terminal. By default it goes through LabService
 * (a trainer child process, recorded in the store like any run); `--no-save` runs the
 * engine in this process and records nothing.
 */
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { LabEvents } from '../../shared/api';
import { validateHyperparams, type Hyperparams } from '../../shared/hyperparams';
import { FINISHED_STATUSES, type DataInfo, type RunRecord } from '../../shared/records';
import { LabService } from '../lab';
import { RunStore } from '../runs/store/store';
import { ChildProcessLauncher } from '../runs/trainer/trainer-launcher';
import { plannedIters } from '../runs/trainer/trainer-protocol';
import { dataPathProblem } from '../training/data/check-data-path';
import type { Callback } from '../training/loop/callback';
import { CliError, errorLine } from './cli-error';
import { addFieldOptions, configFromFlags, flagForField } from './flags-from-schema';
import { HumanReporter, JsonReporter, type TrainEnd, type TrainReporter } from './train-reporter';

interface TrainFlags {
  name?: string;
  tags?: string;
  preset?: string;
  json?: boolean;
  save: boolean;
  quiet?: boolean;
  callback: string[];
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

export function trainCommand(dataDir: () => string | undefined, setExitCode: (code: number) => void): Command {
  const command = new Command('train').description(
    'Train a model in the terminal. The run is saved to the data folder (see --data-dir) unless --no-save.',
  );
  addFieldOptions(command);
  const output = 'Run and output:';
  command
    .addOption(new Option('--name <name>', 'name of the run').helpGroup(output))
    .addOption(new Option('--tags <tags>', 'comma-separated tags for the run').helpGroup(output))
    .addOption(new Option('--preset <id>', 'start from a preset (lesson9, cnn, mlp-onecycle); flags given override it').helpGroup(output))
    .addOption(new Option('--json', 'JSON Lines on stdout: one object per epoch, then a summary object').helpGroup(output))
    .addOption(new Option('--no-save', 'train in this process without recording a run').helpGroup(output))
    .addOption(new Option('--quiet', 'no progress bar or epoch table; only the final line').helpGroup(output))
    .addOption(
      new Option('--callback <file>', 'add the callbacks a module of yours exports (repeatable; see docs/callbacks.md)')
        .argParser(collect)
        .default([], 'none')
        .helpGroup(output),
    )
    .action(async (flags: TrainFlags, cmd: Command) => {
      setExitCode(await train(cmd, flags, dataDir()));
    });
  return command;
}

async function train(cmd: Command, flags: TrainFlags, dataDir: string | undefined): Promise<number> {
  const config = validConfig(configFromFlags(cmd, flags.preset));
  // A data path that cannot be what its dataset needs is a wrong flag, refused before any run.
  const dataProblem = await dataPathProblem(config);
  if (dataProblem !== null) throw new CliError(`${flagForField('dataPath') ?? 'dataPath'}: ${dataProblem}`, 2);
  // A module that cannot give callbacks is a wrong flag, refused before any run.
  const callbacks = await userCallbacks(flags.callback, config);
  const tags = flags.tags
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const reporter: TrainReporter = flags.json
    ? new JsonReporter(process.stdout, process.stderr)
    : new HumanReporter(process.stdout, process.stderr, flags.quiet === true);
  // TensorFlow.js greets on console.log: stdout is for results only.
  console.log = console.info = console.debug = console.warn = (...args: unknown[]) => console.error(...args);

  const startedAt = performance.now();
  const end = flags.save
    ? await trainSaved(
        config,
        { name: flags.name, tags },
        dataDir,
        reporter,
        flags.callback.map((f) => resolve(f)),
      )
    : await trainInProcess(config, join(dataDir ?? RunStore.defaultDataDir(), 'cache'), reporter, callbacks);
  reporter.end({ ...end.result, seconds: (performance.now() - startedAt) / 1000 });
  if (end.result.status === 'failed' && end.result.error) process.stderr.write(`${errorLine(new Error(end.result.error))}\n`);
  if (end.interrupted && end.result.status === 'cancelled') return 130;
  return end.result.status === 'completed' || end.result.status === 'cancelled' ? 0 : 1;
}

/** The callbacks of each --callback module, loaded here first so a bad one is a usage error naming its file. */
async function userCallbacks(files: readonly string[], config: Hyperparams): Promise<Callback[]> {
  if (files.length === 0) return [];
  const { loadCallbackModules, CallbackModuleError } = await import('../training/callback-module');
  try {
    return await loadCallbackModules(files, config);
  } catch (error) {
    if (error instanceof CallbackModuleError) throw new CliError(`--callback ${error.message}`, 2);
    throw error;
  }
}

export function validConfig(config: Record<string, unknown>): Hyperparams {
  const valid = validateHyperparams(config);
  if (valid.ok) return valid.value;
  throw new CliError(valid.errors.map((e) => `${flagForField(e.field) ?? e.field}: ${e.message}`).join('\n'), 2);
}

interface TrainOutcome {
  result: Omit<TrainEnd, 'seconds'>;
  interrupted: boolean;
}

/** Ctrl-C once: stop cleanly (the run ends cancelled). Twice: leave now. */
export function onInterrupt(reporter: TrainReporter, cancel: () => void): { interrupted: () => boolean; dispose: () => void } {
  let count = 0;
  const handler = () => {
    count += 1;
    if (count > 1) process.exit(130);
    reporter.note('cancelling (Ctrl-C again to quit at once)…');
    cancel();
  };
  process.on('SIGINT', handler);
  return { interrupted: () => count > 0, dispose: () => process.off('SIGINT', handler) };
}

async function trainSaved(
  config: Hyperparams,
  meta: { name?: string; tags?: string[] },
  dataDir: string | undefined,
  reporter: TrainReporter,
  callbackModules: string[],
): Promise<TrainOutcome> {
  // The trainer's stdout is TensorFlow.js chatter: keep the terminal for results. Its stderr
  // reaches the terminal only with --callback (where a person's callbacks write).
  const launcher = new ChildProcessLauncher({
    stdout: 'ignore',
    callbackModules,
    stderrTo: callbackModules.length > 0 ? process.stderr : undefined,
  });
  const service = await LabService.open({ dataDir, launcher });
  let runId: string | null = null;
  let announced = false;
  const unsubscribe = service.subscribe((event, payload) => {
    if (event === 'run:metrics') {
      const { id, rows } = payload as LabEvents['run:metrics'];
      if (id === runId) reporter.rows(rows);
      return;
    }
    if (event !== 'run:updated') return;
    const record = payload as RunRecord;
    if (record.id !== runId || FINISHED_STATUSES.includes(record.status)) return;
    const loading = record.progress?.loading;
    if (!announced && loading) reporter.loading(loading.done, loading.total);
    if (!announced && record.status === 'running' && record.progress) {
      announced = true;
      reporter.start({
        backend: record.backend ?? '',
        device: record.device ?? '',
        totalIters: record.progress.total_iters,
        epochs: record.progress.epochs,
        data: record.data,
      });
    }
    if (record.progress) reporter.progress(record.progress);
  });
  const interrupt = onInterrupt(reporter, () => {
    if (runId) void service.call('cancelRun', { id: runId }).catch(() => undefined);
  });
  try {
    const run = await service.call('startRun', { config, ...meta });
    runId = run.id;
    // A Ctrl-C that came while the run was being created.
    if (interrupt.interrupted()) await service.call('cancelRun', { id: run.id });
    const final = await service.supervisor.whenSettled(run.id);
    return {
      interrupted: interrupt.interrupted(),
      result: {
        status: final.status,
        summary: final.summary,
        backend: final.backend,
        device: final.device,
        runId: final.id,
        error: final.error,
        data: final.data ?? null,
      },
    };
  } finally {
    interrupt.dispose();
    unsubscribe();
    await service.close();
  }
}

async function trainInProcess(
  config: Hyperparams,
  cacheDir: string,
  reporter: TrainReporter,
  callbacks: Callback[],
): Promise<TrainOutcome> {
  const { runJob } = await import('../training/job');
  const abort = new AbortController();
  const interrupt = onInterrupt(reporter, () => abort.abort());
  let data: DataInfo | null = null;
  try {
    const result = await runJob(config, {
      signal: abort.signal,
      modelDir: null,
      callbacks,
      // Nothing is recorded, but the decoded-dataset cache is shared with saved runs.
      data: { cacheDir, onProgress: (done, total) => reporter.loading(done, total) },
      onStart: (info) => {
        data = info.data;
        reporter.start({ ...info, totalIters: plannedIters(info.totalIters, config.stopAfter) });
      },
      onRows: (rows) => reporter.rows(rows),
      onProgress: (progress) => reporter.progress(progress),
    });
    return {
      interrupted: interrupt.interrupted(),
      result: {
        status: result.status,
        summary: result.summary,
        backend: result.backend,
        device: result.device,
        runId: null,
        error: result.error,
        data,
      },
    };
  } finally {
    interrupt.dispose();
  }
}
