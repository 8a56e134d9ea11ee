/**
 * `runlab edit RUN_ID --lr X …` and `runlab pause RUN_ID`: change or pause a run while it
 * trains, through the process supervising it (its control inbox). An edit takes effect at
 * the run's next batch boundary and is recorded in the run as the CLI's; the command prints
 * the iteration it took effect from. Pause returns once the run has paused.
 */
import { Command, Option } from 'commander';
import { FIELDS, type FieldKey } from '../../shared/hyperparams';
import { EDITABLE_FIELDS, RunEditSchema, type RunRecord } from '../../shared/records';
import type { LabService } from '../lab';
import { CliError } from './cli-error';
import { flagForField } from './flags-from-schema';
import { reachRun } from './reach-run';

type OpenService = () => Promise<LabService>;

async function withService<T>(openService: OpenService, use: (service: LabService) => Promise<T>): Promise<T> {
  const service = await openService();
  try {
    return await use(service);
  } finally {
    await service.close();
  }
}

export function editCommand(openService: OpenService): Command {
  const command = new Command('edit').description(
    "Change a running run's lr, momentum, weight decay or lr schedule; it takes effect at the next batch and is recorded in the run",
  );
  command.argument('<id>', 'run id');
  for (const key of EDITABLE_FIELDS) {
    const field = FIELDS.find((f) => f.key === key)!;
    const help =
      key === 'lr'
        ? 'the lr from the next batch on; the rest of the schedule keeps its shape, scaled (with --schedule: that schedule from this lr)'
        : key === 'schedule'
          ? `a new lr schedule over the rest of the run [choices: ${'options' in field ? field.options.join(', ') : ''}]`
          : field.help;
    command.addOption(new Option(`--${field.flag} <${field.kind === 'choice' ? 'name' : 'x'}>`, help));
  }
  return command
    .option('--json', 'one JSON object: status, run_id, iter, epoch, changes')
    .action(async (id: string, flags: Record<string, unknown>) => {
      const changes = Object.fromEntries(
        EDITABLE_FIELDS.flatMap((key) => {
          const raw = flags[new Option(`--${flagOf(key)} <x>`).attributeName()];
          if (raw === undefined) return [];
          const n = Number(raw);
          return [[key, key === 'schedule' || typeof raw !== 'string' || raw.trim() === '' || Number.isNaN(n) ? raw : n]];
        }),
      );
      const parsed = RunEditSchema.safeParse(changes);
      if (!parsed.success) {
        const messages = parsed.error.issues.map((i) => {
          const flag = i.path.length > 0 ? flagForField(String(i.path[0])) : undefined;
          return flag ? `${flag}: ${i.message}` : `${i.message} (--lr, --momentum, --weight-decay, --schedule)`;
        });
        throw new CliError(messages.join('\n'), 2);
      }
      const record = await withService(openService, (s) => reachRun(s, id, { op: 'edit', changes: parsed.data }, 'edited'));
      const edit = [...(record.events ?? [])].reverse().find((e) => e.kind === 'edit');
      if (flags.json) {
        const line = {
          status: record.status,
          run_id: id,
          iter: edit?.iter ?? null,
          epoch: edit?.epoch ?? null,
          changes: edit?.kind === 'edit' ? edit.changes : [],
        };
        return void process.stdout.write(`${JSON.stringify(line)}\n`);
      }
      const what = edit?.kind === 'edit' ? edit.changes.map((c) => `${c.field} ${show(c.from)} → ${show(c.to)}`).join(', ') : 'edited';
      process.stdout.write(`run ${id}: ${what} from iteration ${edit?.iter ?? '?'}\n`);
    });
}

export function pauseCommand(openService: OpenService): Command {
  return new Command('pause')
    .description('Pause a running run at the end of its current batch (its trainer stays up, idle); `runlab resume` goes on')
    .argument('<id>', 'run id')
    .option('--json', 'one JSON object: status, paused, iter, run_id')
    .action(async (id: string, flags: { json?: boolean }) => {
      const record = await withService(openService, async (s) => {
        await reachRun(s, id, { op: 'pause' }, 'paused');
        return untilPaused(s, id);
      });
      const iter = record.events?.findLast((e) => e.kind === 'pause')?.iter ?? record.progress?.iter ?? null;
      if (flags.json) return void process.stdout.write(`${JSON.stringify({ status: record.status, paused: true, iter, run_id: id })}\n`);
      process.stdout.write(`paused run ${id} at iteration ${iter}; \`runlab resume ${id}\` goes on\n`);
    });
}

/** The run's record once it has paused (it pauses at the end of the batch it is in). */
async function untilPaused(service: LabService, id: string, timeoutMs = 15_000): Promise<RunRecord> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const record = await service.store.get(id);
    if (record.paused) return record;
    if (record.status !== 'running') throw new CliError(`run ${id} ended (${record.status}) before it paused`);
    if (Date.now() > deadline) throw new CliError(`run ${id} did not pause within ${timeoutMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function flagOf(key: FieldKey): string {
  return FIELDS.find((f) => f.key === key)!.flag;
}

function show(v: number | string): string {
  return String(v);
}
