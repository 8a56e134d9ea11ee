/**
 * `runlab fork RUN_ID --epoch E [train flags]`: a new run from RUN_ID's checkpoint after
 * epoch E, with the flags given changing its parent's config (the model stays the
 * parent's), trained in this process and printed as `runlab train` does. Its rows start at
 * the fork point. `--json`: the last line has status, epochs and run_id.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import { LabService } from '../lab';
import { ChildProcessLauncher } from '../runs/trainer/trainer-launcher';
import { addFieldOptions, configFromFlags } from './flags-from-schema';
import { finishRun, followRun, keepStdoutForResults } from './follow-run';
import { cliError } from './reach-run';
import { HumanReporter, JsonReporter, type TrainReporter } from './train-reporter';

interface ForkFlags {
  epoch: number;
  name?: string;
  tags?: string;
  json?: boolean;
  quiet?: boolean;
}

function parseEpoch(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a whole number ≥ 1 (an epoch the run has finished).');
  return n;
}

export function forkCommand(dataDir: () => string | undefined, setExitCode: (code: number) => void): Command {
  const command = new Command('fork')
    .description(
      "Fork a run from its checkpoint after an epoch, with changed hyperparameters: a new run that starts there (the model stays the parent's)",
    )
    .argument('<id>', 'the run to fork')
    .addOption(
      new Option('--epoch <e>', 'the epoch to fork after (the run must have finished it)').argParser(parseEpoch).makeOptionMandatory(),
    );
  addFieldOptions(command);
  const output = 'Run and output:';
  return command
    .addOption(new Option('--name <name>', 'name of the fork (default: the parent\'s, "fork at epoch E")').helpGroup(output))
    .addOption(new Option('--tags <tags>', 'comma-separated tags for the fork').helpGroup(output))
    .addOption(new Option('--json', 'JSON Lines on stdout: one object per epoch, then a summary object').helpGroup(output))
    .addOption(new Option('--quiet', 'no progress bar or epoch table; only the final line').helpGroup(output))
    .action(async (id: string, flags: ForkFlags, cmd: Command) => setExitCode(await fork(id, flags, cmd, dataDir())));
}

async function fork(id: string, flags: ForkFlags, cmd: Command, dataDir: string | undefined): Promise<number> {
  const changes = configFromFlags(cmd, undefined);
  const tags = flags.tags
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  const service = await LabService.open({ dataDir, launcher: new ChildProcessLauncher({ stdout: 'ignore' }) });
  try {
    const reporter: TrainReporter = flags.json
      ? new JsonReporter(process.stdout, process.stderr)
      : new HumanReporter(process.stdout, process.stderr, flags.quiet === true);
    keepStdoutForResults();
    const startedAt = performance.now();
    const begin = () =>
      service.supervisor
        .fork(id, { epoch: flags.epoch, config: changes, name: flags.name, tags })
        .catch((e: unknown) => Promise.reject(cliError(e)));
    return finishRun(await followRun(service, begin, reporter), reporter, startedAt);
  } finally {
    await service.close();
  }
}
