/**
 * `runlab train`: a headless run from a terminal. By default it goes through LabService
 * (a trainer child process, recorded in the store like any run); `--no-save` runs the
 * engine in this process and records nothing.
 */
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { validateHyperparams, type Hyperparams } from '../../shared/hyperparams';
import { LabService } from '../lab';
import { RunStore } from '../runs/store/store';
import { ChildProcessLauncher } from '../runs/trainer/trainer-launcher';
import { plannedIters } from '../runs/trainer/trainer-protocol';
import { dataPathProblem } from '../training/data/check-data-path';
import { CliError } from './cli-error';
import { addFieldOptions, configFromFlags, flagForField } from './flags-from-schema';
import { finishRun, followRun, keepStdoutForResults, onInterrupt, type TrainOutcome } from './follow-run';
import { HumanReporter, JsonReporter, type TrainReporter } from './train-reporter';

interface TrainFlags {
  name?: string;
  tags?: string;
  preset?: string;
  json?: boolean;
  save: boolean;
  quiet?: boolean;
}

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
  const tags = flags.tags
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const reporter: TrainReporter = flags.json
    ? new JsonReporter(process.stdout, process.stderr)
    : new HumanReporter(process.stdout, process.stderr, flags.quiet === true);
  keepStdoutForResults();

  const startedAt = performance.now();
  const end = flags.save
    ? await trainSaved(config, { name: flags.name, tags }, dataDir, reporter)
    : await trainInProcess(config, join(dataDir ?? RunStore.defaultDataDir(), 'cache'), reporter);
  return finishRun(end, reporter, startedAt);
}

function validConfig(config: Record<string, unknown>): Hyperparams {
  const valid = validateHyperparams(config);
  if (valid.ok) return valid.value;
  throw new CliError(valid.errors.map((e) => `${flagForField(e.field) ?? e.field}: ${e.message}`).join('\n'), 2);
}

async function trainSaved(
  config: Hyperparams,
  meta: { name?: string; tags?: string[] },
  dataDir: string | undefined,
  reporter: TrainReporter,
): Promise<TrainOutcome> {
  // The trainer's stdout is TensorFlow.js chatter: keep the terminal for results.
  const service = await LabService.open({ dataDir, launcher: new ChildProcessLauncher({ stdout: 'ignore' }) });
  try {
    return await followRun(service, () => service.call('startRun', { config, ...meta }), reporter);
  } finally {
    await service.close();
  }
}

async function trainInProcess(config: Hyperparams, cacheDir: string, reporter: TrainReporter): Promise<TrainOutcome> {
  const { runJob } = await import('../training/job');
  const abort = new AbortController();
  const interrupt = onInterrupt(reporter, () => abort.abort());
  try {
    const result = await runJob(config, {
      signal: abort.signal,
      modelDir: null,
      // Nothing is recorded, but the decoded-dataset cache is shared with saved runs.
      data: { cacheDir },
      onStart: (info) => reporter.start({ ...info, totalIters: plannedIters(info.totalIters, config.stopAfter) }),
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
      },
    };
  } finally {
    interrupt.dispose();
  }
}
