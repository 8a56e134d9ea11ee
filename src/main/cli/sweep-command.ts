/**
 * `runlab sweep`: many runs queued as one group. Every `runlab train` flag also takes a list
 * ("0.1,0.5") or a range ("0.01:1:5 log"); the runs are every combination (or --random N of
 * them, or each --repeat N times with new seeds), checked before any is made, named from
 * --name and their swept values, and followed in this process until all have ended.
 */
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { MAX_CONCURRENCY } from '../../shared/api';
import { PRESETS } from '../../shared/hyperparams';
import { FINISHED_STATUSES, type RunRecord } from '../../shared/records';
import { MAX_SWEEP_RUNS } from '../../shared/sweep';
import { LabService } from '../lab';
import { ChildProcessLauncher } from '../runs/trainer/trainer-launcher';
import { dataPathProblem } from '../training/data/check-data-path';
import { CliError } from './cli-error';
import { addFieldOptions, flagForField } from './flags-from-schema';
import { keepStdoutForResults, onInterrupt } from './follow-run';
import { planSweep, type PlannedRun } from './sweep-plan';
import { SweepReporter } from './sweep-reporter';
import { formatMetric, formatTable } from './table';
import { userCallbacks } from './train-command';

interface SweepFlags {
  name?: string;
  tags?: string;
  preset?: string;
  json?: boolean;
  quiet?: boolean;
  callback: string[];
  random?: number;
  sweepSeed?: number;
  repeat?: number;
  parallel?: number;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}.`);
    return n;
  };
}

const HELP_AFTER = `
Each model, data and training flag takes one value (the same for every run), a list
("--lr 0.1,0.5"; for --hidden and --filters a list of lists: "--hidden 100,50;200"), or a
range "from:to:count", evenly spaced, with "log" after it for a log scale
("--lr 0.01:1:5 log"). The runs are every combination, the last swept flag changing fastest.

Examples:
  runlab sweep --lr 0.1,0.5 --seed 1,2 --epochs 2
  runlab sweep --lr "0.001:0.1:4 log" --optimizer sgd,adam --repeat 3 --json
  runlab sweep --lr "0.01:1:20 log" --batch-size 32,64,128 --random 10 --sweep-seed 7`;

export function sweepCommand(dataDir: () => string | undefined, setExitCode: (code: number) => void): Command {
  const command = new Command('sweep').description(
    `Train many runs as one group (a sweep): every combination of the values given, at most ${MAX_SWEEP_RUNS} runs. Runs are saved to the data folder.`,
  );
  addFieldOptions(command);
  const sweep = 'Sweep:';
  const output = 'Run and output:';
  command
    .addOption(
      new Option('--random <n>', 'draw n distinct combinations at random instead of every one')
        .argParser(wholeNumber(1, MAX_SWEEP_RUNS))
        .helpGroup(sweep),
    )
    .addOption(
      new Option('--sweep-seed <s>', 'seed of the --random draw: the same seed draws the same runs')
        .argParser(wholeNumber(0, 2_147_483_647))
        .default(1)
        .helpGroup(sweep),
    )
    .addOption(
      new Option('--repeat <n>', 'train each combination n times, with seeds seed, seed+1, … (not with several --seed values)')
        .argParser(wholeNumber(1, MAX_SWEEP_RUNS))
        .helpGroup(sweep),
    )
    .addOption(
      new Option('--parallel <n>', 'runs that train at once (default: the Parallel runs setting)')
        .argParser(wholeNumber(1, MAX_CONCURRENCY))
        .helpGroup(sweep),
    )
    .addOption(new Option('--name <name>', 'name of the runs, before each run\'s swept values (default "sweep")').helpGroup(output))
    .addOption(new Option('--tags <tags>', 'comma-separated tags for every run').helpGroup(output))
    .addOption(
      new Option('--preset <id>', `start from a preset (${PRESETS.map((p) => p.id).join(', ')}); flags given override it`).helpGroup(
        output,
      ),
    )
    .addOption(new Option('--json', 'one JSON document on stdout once every run has ended: { group, runs: [...] }').helpGroup(output))
    .addOption(new Option('--quiet', 'no progress on stderr; only the result').helpGroup(output))
    .addOption(
      new Option('--callback <file>', 'add the callbacks a module of yours exports to every run (repeatable; see docs/callbacks.md)')
        .argParser(collect)
        .default([], 'none')
        .helpGroup(output),
    )
    .addHelpText('after', HELP_AFTER)
    .action(async (flags: SweepFlags, cmd: Command) => {
      setExitCode(await runSweep(cmd, flags, dataDir()));
    });
  return command;
}

async function runSweep(cmd: Command, flags: SweepFlags, dataDir: string | undefined): Promise<number> {
  const plan = planSweep(cmd, { preset: flags.preset, random: flags.random, sweepSeed: flags.sweepSeed, repeat: flags.repeat });
  await checkDataPaths(plan.runs);
  // A module that cannot give callbacks is a wrong flag, refused before any run.
  await userCallbacks(flags.callback, plan.runs[0]!.config);
  const tags = flags.tags
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  keepStdoutForResults();

  const callbackModules = flags.callback.map((f) => resolve(f));
  const launcher = new ChildProcessLauncher({
    stdout: 'ignore',
    callbackModules,
    stderrTo: callbackModules.length > 0 ? process.stderr : undefined,
  });
  const service = await LabService.open({ dataDir, launcher, ...(flags.parallel !== undefined ? { concurrency: flags.parallel } : {}) });
  try {
    return await followSweep(service, plan.runs, flags, tags);
  } finally {
    await service.close();
  }
}

/** Each data path a run reads checked once, before any run is made (as train does). */
async function checkDataPaths(runs: readonly PlannedRun[]): Promise<void> {
  const seen = new Set<string>();
  for (const run of runs) {
    const key = JSON.stringify([run.config.dataset, run.config.dataPath]);
    if (seen.has(key)) continue;
    seen.add(key);
    const problem = await dataPathProblem(run.config);
    if (problem !== null) throw new CliError(`${flagForField('dataPath')}: ${problem}`, 2);
  }
}

async function followSweep(
  service: LabService,
  planned: readonly PlannedRun[],
  flags: SweepFlags,
  tags: string[] | undefined,
): Promise<number> {
  // The service names each run "<--name or sweep> lr=0.1 seed=1", as it does the form's.
  const runs = planned.map((run) => ({ config: run.config, swept: run.swept }));
  const name = flags.name?.trim() || undefined;

  // Events from before startSweep returns (the first run may start at once) are kept for the reporter.
  const latest = new Map<string, RunRecord>();
  let reporter: SweepReporter | null = null;
  const unsubscribe = service.subscribe((event, payload) => {
    if (event !== 'run:updated') return;
    const record = payload as RunRecord;
    if (FINISHED_STATUSES.includes(record.status)) return;
    if (reporter) reporter.update(record);
    else latest.set(record.id, record);
  });
  let ids: string[] = [];
  const cancelAll = () => {
    // The last first: a queued run is taken off the queue before the run ahead of it ends.
    for (const id of [...ids].reverse()) void service.call('cancelRun', { id }).catch(() => undefined);
  };
  const note = (text: string) => (reporter ? reporter.note(text) : void process.stderr.write(`${text}\n`));
  const interrupt = onInterrupt({ note, loading: () => {}, start: () => {}, rows: () => {}, progress: () => {}, end: () => {} }, cancelAll);
  try {
    const { group, runs: records } = await service.call('startSweep', {
      runs,
      ...(name ? { name } : {}),
      ...(tags && tags.length > 0 ? { tags } : {}),
    });
    ids = records.map((r) => r.id);
    reporter = new SweepReporter(
      process.stderr,
      records.map((r, i) => ({ id: r.id, label: planned[i]!.label })),
      flags.quiet === true,
    );
    reporter.begin(group, service.supervisor.concurrency);
    for (const id of ids) {
      const early = latest.get(id);
      if (early) reporter.update(early);
    }
    // A Ctrl-C that came while the runs were being queued.
    if (interrupt.interrupted()) cancelAll();
    const finals = await Promise.all(
      ids.map(async (id) => {
        const final = await service.supervisor.whenSettled(id);
        reporter!.end(final);
        return final;
      }),
    );
    reporter.finish();
    printResult(group, finals, planned, flags.json === true);
    if (interrupt.interrupted()) return 130;
    return finals.every((r) => r.status === 'completed' || r.status === 'cancelled') ? 0 : 1;
  } finally {
    reporter?.finish();
    interrupt.dispose();
    unsubscribe();
  }
}

function printResult(group: string, finals: readonly RunRecord[], planned: readonly PlannedRun[], json: boolean): void {
  const rows = finals.map((r, i) => {
    const final = r.summary?.final;
    return {
      id: r.id,
      name: r.name,
      status: r.status,
      swept: planned[i]!.swept,
      valid_accuracy: final?.valid_accuracy ?? null,
      valid_loss: final?.valid_loss ?? null,
      train_loss: final?.train_loss ?? null,
      epochs: r.summary?.epochs ?? null,
      error: r.error,
    };
  });
  if (json) {
    process.stdout.write(`${JSON.stringify({ group, runs: rows }, null, 2)}\n`);
    return;
  }
  const table = formatTable(
    ['id', 'swept', 'status', 'valid_accuracy', 'valid_loss'],
    rows.map((r, i) => [r.id, planned[i]!.label || '-', r.status, formatMetric(r.valid_accuracy, 4), formatMetric(r.valid_loss, 4)]),
    ['left', 'left', 'left', 'right', 'right'],
  );
  const counts = new Map<string, number>();
  for (const r of rows) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
  const summary = [...counts].map(([status, n]) => `${n} ${status}`).join(', ');
  process.stdout.write(`${table.join('\n')}\ngroup ${group}: ${summary} · runlab runs list --group ${group}\n`);
}
