/**
 * `runlab resume RUN_ID [--epochs N]`: a paused run goes on (through the process training
 * it); a run that ended early — cancelled, interrupted, failed, stopped by stop-after or
 * early stopping — trains on from its newest checkpoint in this process, in the same run,
 * printing as `runlab train` does. `--json`: the last line has status, epochs and run_id.
 */
import { Command, InvalidArgumentError, Option } from 'commander';
import type { RunRecord } from '../../shared/records';
import { LabService } from '../lab';
import { ChildProcessLauncher } from '../runs/trainer/trainer-launcher';
import { CliError } from './cli-error';
import { finishRun, followRun, keepStdoutForResults } from './follow-run';
import { cliError, reachRun } from './reach-run';
import { HumanReporter, JsonReporter, type TrainReporter } from './train-reporter';

interface ResumeFlags {
  epochs?: number;
  json?: boolean;
  quiet?: boolean;
}

/** The record once the run has gone on (its trainer says so at once; a pause not reached yet is just called off). */
async function untilResumed(service: LabService, id: string, timeoutMs = 15_000): Promise<RunRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await service.store.get(id);
    if (!record.paused || record.status !== 'running') return record;
    if (Date.now() > deadline) throw new CliError(`run ${id} did not go on within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function parseEpochs(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new InvalidArgumentError('expected a whole number from 1 to 1000.');
  return n;
}

export function resumeCommand(dataDir: () => string | undefined, setExitCode: (code: number) => void): Command {
  return new Command('resume')
    .description('Resume a paused run, or train on a run that ended early from its newest checkpoint (in the same run)')
    .argument('<id>', 'run id')
    .addOption(new Option('--epochs <n>', 'train to this many epochs (default: what the run planned)').argParser(parseEpochs))
    .option('--json', 'JSON Lines on stdout: one object per epoch, then a summary object')
    .option('--quiet', 'no progress bar or epoch table; only the final line')
    .action(async (id: string, flags: ResumeFlags) => setExitCode(await resume(id, flags, dataDir())));
}

async function resume(id: string, flags: ResumeFlags, dataDir: string | undefined): Promise<number> {
  const service = await LabService.open({ dataDir, launcher: new ChildProcessLauncher({ stdout: 'ignore' }) });
  try {
    const record = await service.call('getRun', { id });
    if (record.status === 'running' || record.status === 'queued') {
      if (flags.epochs !== undefined)
        throw new CliError(`--epochs: run ${id} is ${record.status}; --epochs applies when resuming a run that has ended`, 2);
      await reachRun(service, id, { op: 'resume' }, 'resumed');
      const after = await untilResumed(service, id);
      const line = {
        status: after.status,
        paused: after.paused === true,
        epochs: after.progress?.epochs ?? after.config.epochs,
        run_id: id,
      };
      process.stdout.write(flags.json ? `${JSON.stringify(line)}\n` : `resumed run ${id} (it trains on in the process supervising it)\n`);
      return 0;
    }
    const reporter: TrainReporter = flags.json
      ? new JsonReporter(process.stdout, process.stderr)
      : new HumanReporter(process.stdout, process.stderr, flags.quiet === true);
    keepStdoutForResults();
    const startedAt = performance.now();
    const end = await followRun(
      service,
      () => service.supervisor.resume(id, { epochs: flags.epochs, by: 'cli' }).catch((e: unknown) => Promise.reject(cliError(e))),
      reporter,
    );
    return finishRun(end, reporter, startedAt);
  } finally {
    await service.close();
  }
}
