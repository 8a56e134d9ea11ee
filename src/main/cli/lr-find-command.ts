/**
 * `runlab lr-find [train flags]`: the LR finder (course-v3 05b's LR_Find) on the model and
 * data the train flags describe — up to 100 iterations with the lr rising exponentially,
 * stopped when the loss explodes — saved as a run of kind lr-find, and fastai's suggestions
 * printed. With --json: one line per iteration ({iter, lr, loss}), then the result line
 * ({run_id, status, stopped_by, suggestions: {valley, steep, minimum}, lrs, losses, smoothed}).
 */
import { Command, Option } from 'commander';
import type { LabEvents } from '../../shared/api';
import type { LrFindResult, RunRecord } from '../../shared/records';
import { LabService } from '../lab';
import { ChildProcessLauncher } from '../runs/trainer/trainer-launcher';
import { dataPathProblem } from '../training/data/check-data-path';
import { CliError, errorLine } from './cli-error';
import { addFieldOptions, configFromFlags, flagForField } from './flags-from-schema';
import { formatTable } from './table';
import { onInterrupt } from './follow-run';
import { validConfig } from './train-command';

interface LrFindFlags {
  name?: string;
  tags?: string;
  preset?: string;
  json?: boolean;
}

export function lrFindCommand(dataDir: () => string | undefined, setExitCode: (code: number) => void): Command {
  const command = new Command('lr-find').description(
    "Find a learning rate the fastai way: up to 100 iterations with the lr rising from 1e-7 to 10, stopped when the loss explodes; prints fastai's suggestions. Saved as a run of kind lr-find.",
  );
  addFieldOptions(command);
  const output = 'Run and output:';
  command
    .addOption(new Option('--name <name>', 'name of the run').helpGroup(output))
    .addOption(new Option('--tags <tags>', 'comma-separated tags for the run').helpGroup(output))
    .addOption(new Option('--preset <id>', 'start from a preset (lesson9, cnn, mlp-onecycle); flags given override it').helpGroup(output))
    .addOption(
      new Option('--json', 'JSON Lines on stdout: one object per iteration, then the result with its suggestions').helpGroup(output),
    )
    .action(async (flags: LrFindFlags, cmd: Command) => {
      setExitCode(await lrFind(cmd, flags, dataDir()));
    });
  return command;
}

async function lrFind(cmd: Command, flags: LrFindFlags, dataDir: string | undefined): Promise<number> {
  const config = validConfig(configFromFlags(cmd, flags.preset));
  const dataProblem = await dataPathProblem(config);
  if (dataProblem !== null) throw new CliError(`${flagForField('dataPath') ?? 'dataPath'}: ${dataProblem}`, 2);
  const tags = flags.tags
    ?.split(',')
    .map((t) => t.trim())
    .filter((t) => t !== '');
  // TensorFlow.js greets on console.log: stdout is for results only.
  console.log = console.info = console.debug = console.warn = (...args: unknown[]) => console.error(...args);
  const out = (line: string) => process.stdout.write(`${line}\n`);

  const service = await LabService.open({ dataDir, launcher: new ChildProcessLauncher({ stdout: 'ignore' }) });
  let runId: string | null = null;
  const unsubscribe = service.subscribe((event, payload) => {
    if (event !== 'run:metrics' || !flags.json) return;
    const { id, rows } = payload as LabEvents['run:metrics'];
    if (id !== runId) return;
    for (const row of rows) if (row.kind === 'iter') out(JSON.stringify({ iter: row.iter, lr: row.lr, loss: row.loss }));
  });
  const note = (text: string) => process.stderr.write(`${text}\n`);
  const interrupt = onInterrupt({ note, loading: () => {}, start: () => {}, rows: () => {}, progress: () => {}, end: () => {} }, () => {
    if (runId) void service.call('cancelRun', { id: runId }).catch(() => undefined);
  });
  let final: RunRecord;
  try {
    const run = await service.call('startRun', { config, name: flags.name, tags, kind: 'lr-find' });
    runId = run.id;
    if (!flags.json) note(`lr-find: run ${run.id}, up to 100 iterations…`);
    if (interrupt.interrupted()) await service.call('cancelRun', { id: run.id });
    final = await service.supervisor.whenSettled(run.id);
  } finally {
    interrupt.dispose();
    unsubscribe();
    await service.close();
  }
  const result = final.lr_find;
  if (flags.json) {
    out(
      JSON.stringify({
        type: 'result',
        run_id: final.id,
        status: final.status,
        error: final.error,
        ...(result ? resultFields(result) : { suggestions: null }),
      }),
    );
  } else if (result) {
    for (const line of humanLines(final.id, result)) out(line);
  }
  if (final.status === 'failed') {
    if (final.error) process.stderr.write(`${errorLine(new Error(final.error))}\n`);
    return 1;
  }
  return interrupt.interrupted() ? 130 : 0;
}

function resultFields(r: LrFindResult) {
  return {
    stopped_by: r.stopped_by,
    iterations: r.lrs.length,
    suggestions: r.suggestions,
    lrs: r.lrs,
    losses: r.losses,
    smoothed: r.smoothed,
  };
}

function humanLines(id: string, r: LrFindResult): string[] {
  const lr = (v: number | null) => (v === null ? '-' : v.toPrecision(3));
  const why = r.stopped_by === 'diverged' ? 'the loss diverged' : r.stopped_by === 'user' ? 'stopped' : 'last iteration';
  return [
    `${r.lrs.length} iterations, lr ${lr(r.lrs[0] ?? null)} → ${lr(r.lrs.at(-1) ?? null)} (${why})`,
    ...formatTable(
      ['suggestion', 'lr'],
      [
        ['valley', lr(r.suggestions.valley)],
        ['steep', lr(r.suggestions.steep)],
        ['minimum/10', lr(r.suggestions.minimum)],
      ],
      ['left', 'right'],
    ),
    `saved as run ${id} (runlab runs show ${id})`,
  ];
}
