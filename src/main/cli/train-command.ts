/**
 * `runlab train`: a headless run from a terminal. By default it goes through LabService
 * (a trainer child process, recorded in the store like any run); `--no-save` runs the
 * engine in this process and records nothing.
 */
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { validateHyperparams, type Hyperparams } from '../../shared/hyperparams';
import type { DataInfo } from '../../shared/records';
import { LabService } from '../lab';
import { RunStore } from '../runs/store/store';
import { ChildProcessLauncher } from '../runs/trainer/trainer-launcher';
import { plannedIters } from '../runs/trainer/trainer-protocol';
import { dataPathProblem } from '../training/data/check-data-path';
import type { Callback } from '../training/loop/callback';
import { CliError } from './cli-error';
import { addFieldOptions, configFromFlags, flagForField } from './flags-from-schema';
import { finishRun, followRun, onInterrupt, type TrainOutcome } from './follow-run';
import { HumanReporter, JsonReporter, type TrainReporter } from './train-reporter';

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
  return finishRun(end, reporter, startedAt);
}

/** The callbacks of each --callback module, loaded here first so a bad one is a usage error naming its file. */
export async function userCallbacks(files: readonly string[], config: Hyperparams): Promise<Callback[]> {
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
  try {
    return await followRun(service, () => service.call('startRun', { config, ...meta }), reporter);
  } finally {
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
