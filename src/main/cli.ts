/**
 * The `runlab` command line: train | sweep | lr-find | predict | interpret | runs | serve | start. Commands go
 * through LabService or the engine (runJob for `train --no-save`; predict and interpret run a
 * checkpoint in this process), never a copy of their logic.
 */
import { createRequire } from 'node:module';
import { Command, CommanderError } from 'commander';
import { excerpt } from '../shared/excerpt';
import { LabService } from './lab';
import { refreshTrainerBundle } from './runs/trainer/build-trainer-bundle';
import { CliError, errorLine } from './cli/cli-error';
import { runsCommand } from './cli/runs-command';
import { serveCommand, startCommand } from './cli/serve-command';
import { interpretCommand } from './cli/interpret-command';
import { lrFindCommand } from './cli/lr-find-command';
import { predictCommand } from './cli/predict-command';
import { trainCommand } from './cli/train-command';
import { sweepCommand } from './cli/sweep-command';
import { forkCommand } from './cli/fork-command';
import { editCommand, pauseCommand } from './cli/live-commands';
import { resumeCommand } from './cli/resume-command';
import { ignoreClosedReaders } from './cli/flush-and-exit';

export { flushAndExit } from './cli/flush-and-exit';

/** Commander's codes for a command line that is itself wrong: exit 2, like a bad flag value. */
const USAGE_ERRORS = new Set([
  'commander.unknownOption',
  'commander.unknownCommand',
  'commander.missingArgument',
  'commander.optionMissingArgument',
  'commander.missingMandatoryOptionValue',
  'commander.invalidArgument',
  'commander.excessArguments',
  'commander.conflictingOption',
]);

/** Runs the command line and resolves with the exit code (bin/runlab.js exits with it). */
export async function main(argv: string[] = process.argv): Promise<number> {
  ignoreClosedReaders();
  let exitCode = 0;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const program = new Command('runlab')
    .description('Runlab: train neural networks (the fastai Runner with callbacks on TensorFlow.js) and compare runs')
    .version(packageVersion(), '-V, --version')
    .option('--data-dir <dir>', 'where runs are stored (default: $RUNLAB_HOME or ~/.runlab)')
    .exitOverride()
    .showHelpAfterError(false)
    // One line per usage error: commander puts its "(Did you mean …?)" on a line of its own.
    .configureOutput({ outputError: (text, write) => write(`${text.trimEnd().replace(/\s*\n\s*/g, ' ')}\n`) });
  const dataDir = (): string | undefined => program.opts<{ dataDir?: string }>().dataDir;
  const openService = () => LabService.open({ dataDir: dataDir() });
  // The browser UI keeps a trainer warm for the next Start, from an up-to-date bundle.
  const openServing = () => {
    refreshTrainerBundle();
    return LabService.open({ dataDir: dataDir(), warmTrainers: 1 });
  };

  for (const command of [
    trainCommand(dataDir, setExitCode),
    sweepCommand(dataDir, setExitCode),
    lrFindCommand(dataDir, setExitCode),
    predictCommand(dataDir),
    interpretCommand(dataDir),
    resumeCommand(dataDir, setExitCode),
    forkCommand(dataDir, setExitCode),
    editCommand(openService),
    pauseCommand(openService),
    runsCommand(openService),
    serveCommand(openServing),
    startCommand(openServing, setExitCode),
  ]) {
    program.addCommand(command);
  }
  // Subcommands (and theirs) report their own usage errors through the same override.
  const override = (command: Command): void => {
    command.exitOverride();
    command.configureOutput(program.configureOutput());
    // A group without its subcommand (`runlab runs`) is a usage error: one line, not the whole help.
    if (command.commands.length > 0) command.allowExcessArguments().action(() => missingCommand(command));
    command.commands.forEach(override);
  };
  override(program);

  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Commander has already printed its one-line message (or the help, or the version).
      return USAGE_ERRORS.has(error.code) ? 2 : error.exitCode;
    }
    process.stderr.write(`${errorLine(error)}\n`);
    if (process.env.RUNLAB_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

function missingCommand(command: Command): never {
  const names = command.commands.map((c) => c.name()).filter((n) => n !== 'help');
  const path = command.parent ? `runlab ${command.name()}` : 'runlab';
  const [given] = command.args;
  const what = given === undefined ? 'missing command' : `unknown command ${JSON.stringify(excerpt(given, 40))}`;
  throw new CliError(`${path}: ${what}; expected one of: ${names.join(', ')} (see ${path} --help)`, 2);
}

function packageVersion(): string {
  return (createRequire(import.meta.url)('../../package.json') as { version: string }).version;
}
