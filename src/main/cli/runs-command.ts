/** `runlab runs list | show | export | rm`: the stored runs, from a terminal. */
import { open } from 'node:fs/promises';
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { FIELDS } from '../../shared/hyperparams';
import { EXPORT_MAX_ROWS, METRICS_PAGE_MAX } from '../../shared/metrics-view';
import { isDamaged, type DamagedRun, type MetricRow, type RunListEntry, type RunRecord } from '../../shared/records';
import { namingFullDisk } from '../fs/disk-full';
import { exportRows, type LabService } from '../lab';
import { streamCsvExport } from '../runs/store/export-stream';
import { CliError } from './cli-error';
import { formatDuration, formatMetric, formatTable } from './table';

type OpenService = () => Promise<LabService>;

export function runsCommand(openService: OpenService): Command {
  const runs = new Command('runs').description('List, inspect, export and delete saved runs');

  runs
    .command('list')
    .description('every saved run, oldest first')
    .option('--json', 'a JSON array instead of a table')
    .option('--group <id>', 'only the runs of this group (a sweep: its id, as `runlab sweep` prints it)')
    .action(async (flags: { json?: boolean; group?: string }) => {
      const entries = await withService(openService, (s) => s.call('listRuns', {}));
      // The store lists newest first; a terminal reads best with the newest next to the prompt.
      const all = entries.map(listEntry).reverse();
      const rows = flags.group === undefined ? all : all.filter((r) => r.group === flags.group);
      if (flags.json) return print(JSON.stringify(rows, null, 2));
      if (rows.length === 0) {
        if (flags.group !== undefined) throw new CliError(`no runs in group ${JSON.stringify(flags.group)}: see runlab runs list`);
        return print('no runs yet: start one with `runlab train`');
      }
      const table = (withGroup: boolean) =>
        formatTable(
          ['id', 'name', 'status', 'created', 'valid_accuracy', ...(withGroup ? ['group'] : [])],
          rows.map((r) => [
            r.id,
            r.name ?? `(${r.reason})`,
            r.status,
            r.created ?? '-',
            formatMetric(r.valid_accuracy, 4),
            ...(withGroup ? [r.group ?? '-'] : []),
          ]),
          ['left', 'left', 'left', 'left', 'right', 'left'],
        );
      // One group listed: its id heads the table. Else a group column where a run has one and the terminal has room.
      if (flags.group !== undefined) return print([`group ${flags.group}: ${rows.length} run(s)`, ...table(false)].join('\n'));
      const withGroup = table(rows.some((r) => r.group !== null));
      const columns = process.stdout.isTTY ? process.stdout.columns : Infinity;
      print((withGroup.every((line) => line.length <= columns) ? withGroup : table(false)).join('\n'));
    });

  runs
    .command('show')
    .description('one run: its record, config, summary and epoch table')
    .argument('<id>', 'run id')
    .option('--json', 'the run record as JSON')
    .action(async (id: string, flags: { json?: boolean }) => {
      const [entry, metrics, damage] = await withService(openService, async (s) => {
        // A damaged run is shown as far as it can be read; a healthy one through the service (live progress).
        const stored = await s.store.entry(id);
        const record = isDamaged(stored) ? stored : await s.call('getRun', { id });
        // Only the epoch rows, a page at a time: a run of millions of iterations has few epochs.
        const epochs: MetricRow[] = [];
        let page = await s.call('getMetricsPage', { id, kind: 'epoch', offset: 0, limit: METRICS_PAGE_MAX });
        epochs.push(...page.rows);
        while (page.next !== null) {
          page = await s.call('getMetricsPage', { id, kind: 'epoch', offset: page.next, limit: METRICS_PAGE_MAX });
          epochs.push(...page.rows);
        }
        return [record, epochs, page.damage] as const;
      });
      if (flags.json) return print(JSON.stringify(entry, null, 2));
      const text = isDamaged(entry) ? describeDamaged(entry, metrics) : describeRun(entry, metrics);
      // Lines of metrics.jsonl that are not rows were read around: say so, after the table.
      print(damage ? `${text}\n\nmetrics: ${damage}` : text);
    });

  runs
    .command('export')
    .description('the run as CSV (one row per epoch, or per iteration) or JSON (the run and both tables)')
    .argument('<id>', 'run id')
    .addOption(new Option('--format <format>', 'file format').choices(['csv', 'json']).default('csv'))
    .addOption(
      new Option('--table <table>', 'CSV: one row per epoch or per training iteration').choices(['epochs', 'iterations']).default('epochs'),
    )
    .option('--out <file>', 'write to this file instead of stdout')
    .action(async (id: string, flags: { format: 'csv' | 'json'; table: 'epochs' | 'iterations'; out?: string }) => {
      const request = flags.format === 'csv' ? { id, format: flags.format, table: flags.table } : { id, format: flags.format };
      const path = flags.out ? resolve(flags.out) : null;
      await withService(openService, async (s) => {
        const needed = exportRows(await s.store.metricsStatus(id), flags.format, flags.table);
        if (needed > EXPORT_MAX_ROWS && flags.format === 'json' && needed > CLI_JSON_MAX_ROWS) {
          throw new CliError(
            `run ${id} has ${needed.toLocaleString('en-US')} rows, more than a JSON export holds (${CLI_JSON_MAX_ROWS.toLocaleString('en-US')}): export CSV tables (--table iterations, --table epochs)`,
          );
        }
        await toOutput(path, async (write) => {
          // Within the app's limit, the same export the app makes; beyond it, CSV streamed a page at a time.
          if (needed <= EXPORT_MAX_ROWS) return write((await s.call('exportRun', request)).content);
          if (flags.format === 'csv') return streamCsvExport(s.store, id, flags.table, write);
          return write((await s.store.exportJson(id)).content);
        });
      });
      if (path) process.stderr.write(`wrote ${path}\n`);
    });

  runs
    .command('rm')
    .description('delete a run and its files (a queued or running run is cancelled first)')
    .argument('<id>', 'run id')
    .action(async (id: string) => {
      await withService(openService, (s) => s.call('deleteRun', { id }));
      print(`deleted ${id}`);
    });

  return runs;
}

/** A JSON export is one string in memory: bigger runs export as CSV, streamed. */
const CLI_JSON_MAX_ROWS = 1_000_000;

/** Writes to the file (a full disk named as such) or to stdout, waiting whenever the pipe is full. */
async function toOutput(path: string | null, produce: (write: (text: string) => Promise<void>) => Promise<void>): Promise<void> {
  if (path === null) {
    return produce(async (text) => {
      if (!process.stdout.write(text)) await new Promise((resolve) => process.stdout.once('drain', resolve));
    });
  }
  await namingFullDisk(path, async () => {
    const handle = await open(path, 'w');
    try {
      await produce((text) => handle.writeFile(text, 'utf8'));
    } finally {
      await handle.close();
    }
  });
}

async function withService<T>(openService: OpenService, use: (service: LabService) => Promise<T>): Promise<T> {
  const service = await openService();
  try {
    return await use(service);
  } finally {
    await service.close();
  }
}

function print(text: string): void {
  process.stdout.write(`${text}\n`);
}

interface ListRow {
  id: string;
  name: string | null;
  status: string;
  created: string | null;
  valid_accuracy: number | null;
  train_loss: number | null;
  valid_loss: number | null;
  epochs: number | null;
  backend: string | null;
  tags: string[];
  /** The sweep the run was queued with (runlab sweep, the form's sweep); null for a run on its own. */
  group: string | null;
  reason?: string;
}

function listEntry(entry: RunListEntry): ListRow {
  if (isDamaged(entry)) {
    const none = { name: null, created: null, valid_accuracy: null, train_loss: null, valid_loss: null, epochs: null, backend: null };
    return { id: entry.id, status: 'damaged', ...none, tags: [], group: null, reason: entry.reason };
  }
  const final = entry.summary?.final;
  return {
    id: entry.id,
    name: entry.name,
    status: entry.status,
    created: entry.created,
    valid_accuracy: final?.valid_accuracy ?? null,
    train_loss: final?.train_loss ?? null,
    valid_loss: final?.valid_loss ?? null,
    epochs: entry.summary?.epochs ?? null,
    backend: entry.backend,
    tags: entry.tags,
    group: entry.group ?? null,
  };
}

/** What is readable of a damaged run: the reason first, then each field that still makes sense. */
function describeDamaged(run: DamagedRun, metrics: MetricRow[]): string {
  const r = run.readable ?? {};
  const lines: Array<[string, string]> = [
    ['id', run.id],
    ['status', 'damaged'],
    ['reason', run.reason],
  ];
  if (r.name !== undefined) lines.push(['name', r.name]);
  if (r.status !== undefined) lines.push(['was', r.status]);
  if (r.tags !== undefined) lines.push(['tags', r.tags.join(', ') || '-']);
  if (r.created !== undefined) lines.push(['created', r.created]);
  if (r.ended != null) lines.push(['ended', r.ended]);
  if (r.device != null || r.backend != null) lines.push(['backend', r.device ?? r.backend ?? '-']);
  if (r.notes) lines.push(['notes', r.notes]);
  const width = Math.max(...lines.map(([k]) => k.length));
  const out = lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  if (r.error) out.push('', 'error:', r.error);
  if (r.config) {
    out.push('', 'config:');
    for (const field of FIELDS) out.push(`  --${field.flag} ${flagValue(r.config[field.key])}`);
  }
  out.push(...epochTable(metrics));
  out.push('', `It can be deleted with: runlab runs rm ${run.id}`);
  return out.join('\n');
}

function flagValue(value: unknown): string {
  return Array.isArray(value) ? value.join(',') : value === '' ? '(none)' : String(value);
}

function describeRun(run: RunRecord, metrics: MetricRow[]): string {
  const s = run.summary;
  const lines: Array<[string, string]> = [
    ['id', run.id],
    ['name', run.name],
    ['status', run.status],
    ['tags', run.tags.join(', ') || '-'],
    ['created', run.created],
    ['started', run.started ?? '-'],
    ['ended', run.ended ?? '-'],
    ['backend', run.device ?? run.backend ?? '-'],
  ];
  if (run.progress)
    lines.push([
      'progress',
      `iteration ${run.progress.iter}/${run.progress.total_iters}, epoch ${run.progress.epoch.toFixed(2)}/${run.progress.epochs}`,
    ]);
  if (s) {
    lines.push(
      ['epochs', `${s.epochs} (${s.iterations} iterations)`],
      [
        'final',
        `train_loss ${formatMetric(s.final?.train_loss)}  valid_loss ${formatMetric(s.final?.valid_loss)}  valid_accuracy ${formatMetric(s.final?.valid_accuracy)}`,
      ],
      [
        'best',
        `valid_accuracy ${formatMetric(s.best_valid_accuracy)}  valid_loss ${formatMetric(s.best_valid_loss)}  at epoch ${s.best_epoch ?? '-'}`,
      ],
      ['samples/s', s.samples_per_second == null ? '-' : Math.round(s.samples_per_second).toLocaleString('en-US')],
    );
    if (s.stopped_by) lines.push(['stopped by', s.stopped_by]);
  }
  if (run.notes) lines.push(['notes', run.notes]);
  const width = Math.max(...lines.map(([k]) => k.length));
  const out = lines.map(([k, v]) => `${k.padEnd(width)}  ${v}`);
  if (run.error) out.push('', 'error:', run.error);
  out.push('', 'config:');
  for (const field of FIELDS) out.push(`  --${field.flag} ${flagValue(run.config[field.key])}`);
  out.push(...epochTable(metrics));
  return out.join('\n');
}

/** The fastai-style table of epoch rows, after a blank line; nothing when there are none. */
function epochTable(metrics: MetricRow[]): string[] {
  const out: string[] = [];
  const epochs = metrics.filter((r) => r.kind === 'epoch');
  if (epochs.length > 0) {
    out.push('');
    out.push(
      ...formatTable(
        ['epoch', 'train_loss', 'train_accuracy', 'valid_loss', 'valid_accuracy', 'time'],
        epochs.map((r) => [
          String(r.epoch),
          formatMetric(r.train_loss),
          formatMetric(r.train_accuracy),
          formatMetric(r.valid_loss),
          formatMetric(r.valid_accuracy),
          formatDuration(r.seconds),
        ]),
        ['left', 'right', 'right', 'right', 'right', 'right'],
      ),
    );
  }
  return out;
}
