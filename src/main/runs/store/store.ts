/**
 * RunStore: a folder per run under <dataDir>/runs/<id>/ — run.json (replaced atomically),
 * metrics.jsonl (append-only) and model/. Every id is checked before it becomes a path,
 * every file read back is validated, and a damaged run is reported, never rewritten.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, rename, rm, rmdir, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { LabError, type ExportFile, type MetricsPage, type MetricsView } from '../../../shared/api';
import { HyperparamsSchema, type Hyperparams } from '../../../shared/hyperparams';
import {
  MetricRowSchema,
  RUN_SCHEMA_VERSION,
  RunPatchSchema,
  RunRecordSchema,
  isDamaged,
  type DamagedRun,
  type MetricRow,
  type RunListEntry,
  type RunKind,
  type RunPatch,
  type ForkOrigin,
  type RunRecord,
} from '../../../shared/records';
import { DISK_FULL_PREFIX, DiskFullError, isDiskFull } from '../../fs/disk-full';
import { recoverModelFolders } from '../../training/models/model-folder';
import { CHECKPOINTS_DIR } from '../../../shared/checkpoint';
import { writeFileAtomic } from '../../fs/atomic-write';
import { describeIssues, issueFields } from './describe-issues';
import { metricsToCsv, type MetricsTable } from './export-csv';
import { runToJson } from './export-json';
import { exportFilename } from './export-name';
import { appendWhole } from './append-whole';
import { toJsonl } from './jsonl';
import { KeyedMutex } from './keyed-mutex';
import { mapLimit } from './map-limit';
import { rewindMetricsFile, type RewindResult } from './rewind-metrics';
import { MetricsReader, type MetricsStatus } from './metrics-reader';
import type { ViewRequest } from './metrics-view';
import { isOwnerAlive, processStartTime } from './pid-alive';
import { formatRunJson, readRunFile } from './run-file';
import { ensureReserve, releaseReserve } from './space-reserve';
import { assertRunId, isValidRunId, newRunId, runIdTime } from './run-id';
import { defaultRunName, uniqueName } from './run-name';

export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
export const MODEL_DIR = 'model';

/** Enough parallel reads to hide disk latency without exhausting file handles. */
const LIST_CONCURRENCY = 16;
const CREATE_ATTEMPTS = 20;

/** Per process, keyed by folder: two RunStore objects on the same data folder still serialize. */
const runLocks = new KeyedMutex();
/** Folders this process has made but not yet written run.json into: not damaged, just young. */
const creating = new Set<string>();

/** The owner fields of a run nobody supervises any more (finished, cancelled or recovered). */
export const NO_OWNER = { owner_pid: null, owner_started: null } as const;

export interface CreateRunInit {
  config: Hyperparams;
  name?: string;
  tags?: string[];
  notes?: string;
  /** The sweep the run belongs to (`runlab sweep`, the form's sweep): one id for all its runs. */
  group?: string;
  status?: 'queued' | 'running';
  /** The supervising process; defaults to this one. null: nobody owns it (recovered on next start). */
  ownerPid?: number | null;
  /** 'lr-find' for an LR finder's search; a training run has no kind. */
  kind?: RunKind;
  /** A fork's origin. */
  parent?: ForkOrigin;
}

export class RunStore {
  readonly dataDir: string;
  readonly runsDir: string;

  constructor(dataDir: string) {
    this.dataDir = resolve(dataDir);
    this.runsDir = join(this.dataDir, 'runs');
  }

  /** $RUNLAB_HOME, or ~/.runlab. */
  static defaultDataDir(): string {
    const home = process.env.RUNLAB_HOME?.trim();
    return home ? resolve(home) : join(homedir(), '.runlab');
  }

  /** The run's folder; throws LabError 'invalid' for anything that is not a plain run id. */
  runDir(id: string): string {
    assertRunId(id);
    const dir = resolve(this.runsDir, id);
    const rel = relative(this.runsDir, dir);
    // Defence in depth: the pattern already forbids separators and dots-only names.
    if (rel !== id || isAbsolute(rel) || rel.startsWith('..')) {
      throw new LabError({ code: 'invalid', field: 'id', message: `Run id ${JSON.stringify(id)} points outside the runs folder` });
    }
    return dir;
  }

  modelDir(id: string): string {
    return join(this.runDir(id), MODEL_DIR);
  }

  async create(init: CreateRunInit): Promise<RunRecord> {
    if (init.name !== undefined) return this.createNamed(init);
    // Named from the config: pick the first free variant and create under one lock, so two
    // runs created at once in this process cannot both take it.
    return runLocks.run(`${this.runsDir}#names`, async () => {
      const config = HyperparamsSchema.safeParse(init.config);
      const named = config.success ? defaultRunName(config.data) : 'run';
      const base = init.kind === 'lr-find' ? `lr-find ${named}` : named;
      return this.createNamed({ ...init, name: uniqueName(base, await this.names()) });
    });
  }

  /**
   * Runs `make` with the stored runs' names under the lock automatic names are picked under:
   * the names it gives (adding each to the set) cannot be taken by a run created meanwhile.
   */
  async withNames<T>(make: (taken: Set<string>) => Promise<T>): Promise<T> {
    return runLocks.run(`${this.runsDir}#names`, async () => make(await this.names()));
  }

  /** The names of the stored runs (damaged ones have none): what an automatic name must avoid. */
  async names(): Promise<Set<string>> {
    const entries = await this.list();
    return new Set(entries.filter((e): e is RunRecord => !isDamaged(e)).map((e) => e.name));
  }

  private async createNamed(init: CreateRunInit): Promise<RunRecord> {
    const config = HyperparamsSchema.safeParse(init.config);
    if (!config.success) {
      const errors = issueFields(config.error).map((e) => ({ ...e, field: `config.${e.field}` }));
      throw new LabError({ code: 'invalid', field: errors[0]?.field, errors, message: `Invalid config: ${describeIssues(config.error)}` });
    }
    const fields = parsePatch({ name: init.name, tags: init.tags, notes: init.notes });
    const status = init.status ?? 'queued';
    const ownerPid = init.ownerPid === undefined ? process.pid : init.ownerPid;
    if (status !== 'queued' && status !== 'running') {
      throw new LabError({
        code: 'invalid',
        field: 'status',
        message: `A new run starts queued or running, not ${JSON.stringify(status)}`,
      });
    }
    await mkdir(this.runsDir, { recursive: true }).catch((error) => {
      throw fsError('create the runs folder', this.runsDir, error);
    });
    for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
      const now = new Date();
      const id = newRunId(now);
      const created = now.toISOString();
      const record = validRecord(id, {
        schema: RUN_SCHEMA_VERSION,
        id,
        name: fields.name ?? defaultRunName(config.data),
        tags: fields.tags ?? [],
        notes: fields.notes ?? '',
        config: config.data,
        status,
        backend: null,
        device: null,
        created,
        started: status === 'running' ? created : null,
        ended: null,
        progress: null,
        summary: null,
        error: null,
        owner_pid: ownerPid,
        owner_started: ownerPid === null ? null : processStartTime(ownerPid),
        ...(init.kind === 'lr-find' ? { kind: init.kind } : {}),
        ...(init.parent ? { parent: init.parent } : {}),
        ...(init.group === undefined ? {} : { group: init.group }),
      });
      const dir = this.runDir(id);
      try {
        // Not recursive: an existing folder is someone's run, never reused.
        await mkdir(dir);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue;
        throw fsError('create the run folder', dir, error);
      }
      creating.add(dir);
      try {
        // Not through the space reserve: that is kept for ending runs, not for starting more.
        await writeFileAtomic(join(dir, RUN_FILE), formatRunJson(record));
        return record;
      } catch (error) {
        // Only removes the folder if it is still the empty one just made.
        await rmdir(dir).catch(() => undefined);
        throw fsError('write', join(dir, RUN_FILE), error);
      } finally {
        creating.delete(dir);
      }
    }
    throw new LabError({ code: 'internal', message: `Could not find a free run id in ${this.runsDir} after ${CREATE_ATTEMPTS} attempts` });
  }

  /** Newest first. Reads only each run.json (never metrics), a bounded number at a time. */
  async list(): Promise<RunListEntry[]> {
    let names: string[];
    try {
      const entries = await readdir(this.runsDir, { withFileTypes: true });
      // Temp files, stray files, symlinks and hidden folders (deletions in progress) are not runs.
      names = entries.filter((e) => e.isDirectory() && isValidRunId(e.name)).map((e) => e.name);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw fsError('read', this.runsDir, error);
    }
    const read = await mapLimit(names, LIST_CONCURRENCY, async (id): Promise<RunListEntry | null> => {
      try {
        return await this.entry(id);
      } catch (error) {
        // Whatever one folder does (vanishes, refuses to be read), the other runs are listed.
        if (error instanceof LabError && error.code === 'not_found') return null;
        return { id, damaged: true, reason: `${join(this.runsDir, id)} cannot be read (${messageOf(error)})` } satisfies DamagedRun;
      }
    });
    const entries = read.filter((e): e is RunListEntry => e !== null);
    return entries.sort((a, b) => sortTime(b) - sortTime(a) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));
  }

  /** One run as list() shows it: its record, or what is readable of a damaged one and why. */
  async entry(id: string): Promise<RunListEntry> {
    const dir = this.runDir(id);
    const result = await readRunFile(join(dir, RUN_FILE), id);
    if (result.ok) return result.record;
    if (result.missing && (creating.has(dir) || !(await isDirectory(dir)))) throw notFound(id);
    const damaged: DamagedRun = { id, damaged: true, reason: result.reason };
    if (result.readable) damaged.readable = result.readable;
    return damaged;
  }

  async get(id: string): Promise<RunRecord> {
    return this.readExisting(id, this.runDir(id));
  }

  /** Read-modify-write under the run's lock; the result is validated before it is written. */
  /**
   * `ending`: the write that ends the run (or recovers it). Only those may use the space
   * reserve on a full disk — a progress update must not use up what the end needs.
   */
  async update(id: string, change: (r: RunRecord) => RunRecord, options: { ending?: boolean } = {}): Promise<RunRecord> {
    return this.modify(id, change, undefined, options.ending === true);
  }

  /** Rename, tag, note. */
  async patch(id: string, patch: RunPatch): Promise<RunRecord> {
    const dir = this.runDir(id);
    const fields = parsePatch(patch);
    return this.modify(id, (r) => (Object.keys(fields).length === 0 ? null : { ...r, ...fields }), dir);
  }

  /** One append per batch, so concurrent batches never interleave within a line. */
  async appendMetrics(id: string, rows: MetricRow[]): Promise<void> {
    const dir = this.runDir(id);
    if (rows.length === 0) return;
    const valid = rows.map((row, i) => {
      // Validate what will be stored: JSON turns a diverged NaN/Infinity loss into null.
      const parsed = MetricRowSchema.safeParse(asStoredJson(row));
      if (parsed.success) return parsed.data;
      throw new LabError({
        code: 'invalid',
        field: `rows.${i}`,
        message: `Metric row ${i + 1} for run ${id} is invalid: ${describeIssues(parsed.error)}`,
      });
    });
    const file = join(dir, METRICS_FILE);
    await runLocks.run(`${dir}#metrics`, async () => {
      try {
        await appendWhole(file, toJsonl(valid));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(id);
        throw fsError('append to', file, error);
      }
    });
  }

  /**
   * Keeps only the rows up to a resumed run's checkpoint — iteration rows up to `iter`, epoch
   * rows up to `epoch` — so the rows it trains next follow them with no repeat. The file is
   * streamed into its replacement (rewind-metrics.ts: one line in memory at a time) and
   * replaced atomically (a crash leaves the old rows or the new ones). Returns the epoch rows kept.
   */
  async rewindMetrics(id: string, keep: { iter: number; epoch: number }): Promise<RewindResult> {
    const dir = this.runDir(id);
    const file = join(dir, METRICS_FILE);
    return runLocks.run(`${dir}#metrics`, async () => {
      try {
        return await rewindMetricsFile(file, keep);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          if (!(await isDirectory(dir))) throw notFound(id);
          return { epochs: [], kept: 0, dropped: 0 };
        }
        throw fsError('rewrite', file, error);
      } finally {
        MetricsReader.forget(file);
      }
    });
  }

  /** The run's resumable checkpoints (model/checkpoints/): the engine writes them, the store only lists. */
  checkpointsDir(id: string): string {
    return join(this.modelDir(id), CHECKPOINTS_DIR);
  }

  /**
   * Every row, as stored. Lines that are not rows are read around (metricsStatus counts and
   * names them); a torn last line (a crash mid-append) is left out.
   */
  async readMetrics(id: string): Promise<MetricRow[]> {
    return (await this.readRows(id, 'all', 0, Number.MAX_SAFE_INTEGER)).rows;
  }

  /** How many rows a run has, and the lines of its metrics.jsonl that are not rows. */
  async metricsStatus(id: string): Promise<MetricsStatus> {
    const file = await this.metricsFile(id);
    return MetricsReader.status(file).catch((error) => {
      throw fsError('read', file, error);
    });
  }

  /** Rows `offset…offset+limit` (of one kind, if given), read from near the page, not from the top. */
  async metricsPage(id: string, request: { offset: number; limit: number; kind?: 'iter' | 'epoch' }): Promise<MetricsPage> {
    const file = await this.metricsFile(id);
    return MetricsReader.page(id, file, request.kind ?? 'all', request.offset, request.limit).catch((error) => {
      throw fsError('read', file, error);
    });
  }

  /** Per bucket of x, each series' min, max and mean (metrics-view.ts). */
  async metricsView(id: string, request: ViewRequest): Promise<MetricsView> {
    const file = await this.metricsFile(id);
    return MetricsReader.view(id, file, request).catch((error) => {
      throw fsError('read', file, error);
    });
  }

  private async readRows(id: string, kind: 'all' | 'iter' | 'epoch', offset: number, limit: number) {
    const file = await this.metricsFile(id);
    return MetricsReader.rows(file, kind, offset, limit).catch((error) => {
      throw fsError('read', file, error);
    });
  }

  /** The run's metrics.jsonl; not_found when the run's folder is gone. */
  private async metricsFile(id: string): Promise<string> {
    const dir = this.runDir(id);
    if (!(await isDirectory(dir))) throw notFound(id);
    return join(dir, METRICS_FILE);
  }

  /**
   * Refuses queued or running runs whose owner still runs: the service cancels them first.
   * Damaged runs can be deleted, and so can runs whose owner is gone (a full disk kept them
   * from being marked interrupted) — or, with `notRunningHere`, runs this process owns but
   * no longer trains (the disk was full when they ended, so run.json still says running).
   */
  async delete(
    id: string,
    options: { notRunningHere?: boolean; isAlive?: (pid: number, started?: string | null) => boolean } = {},
  ): Promise<void> {
    const dir = this.runDir(id);
    const isAlive = options.isAlive ?? isOwnerAlive;
    await runLocks.run(dir, async () => {
      const result = await readRunFile(join(dir, RUN_FILE), id);
      if (!result.ok && result.missing && (creating.has(dir) || !(await isDirectory(dir)))) throw notFound(id);
      const owned = (r: RunRecord): boolean =>
        r.owner_pid !== null && isAlive(r.owner_pid, r.owner_started) && !(options.notRunningHere && r.owner_pid === process.pid);
      if (result.ok && (result.record.status === 'queued' || result.record.status === 'running') && owned(result.record)) {
        throw new LabError({
          code: 'conflict',
          message: `Run ${id} is ${result.record.status}; stop it before deleting it`,
        });
      }
      // A metrics index being saved into the folder finishes first.
      await MetricsReader.settled();
      // Hide it first, so a list() running meanwhile never sees a half-deleted run.
      const doomed = join(this.runsDir, `.deleting-${id}-${randomBytes(4).toString('hex')}`);
      try {
        await rename(dir, doomed);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw notFound(id);
        throw fsError('delete', dir, error);
      }
      MetricsReader.forget(join(dir, METRICS_FILE));
      await rm(doomed, { recursive: true, force: true }).catch((error) => {
        throw fsError('remove', doomed, error);
      });
    });
    // Space was freed: the reserve a full disk used up can come back.
    await ensureReserve(this.dataDir);
  }

  /** The run and its metrics as JSON (export-json.ts), named after the run. */
  async exportJson(id: string): Promise<ExportFile> {
    const run = await this.get(id);
    const metrics = await this.readMetrics(id);
    return { filename: exportFilename(run, '.json'), mime: 'application/json', content: runToJson(run, metrics) };
  }

  /** One of the two metric tables (export-csv.ts): per epoch (the default) or per iteration. */
  async exportCsv(id: string, table: MetricsTable = 'epochs'): Promise<ExportFile> {
    const run = await this.get(id);
    // Only the table's kind of row is read: the epochs of a 5M-iteration run are a few hundred rows.
    const { rows } = await this.readRows(id, table === 'iterations' ? 'iter' : 'epoch', 0, Number.MAX_SAFE_INTEGER);
    return { filename: exportFilename(run, `-${table}.csv`), mime: 'text/csv', content: metricsToCsv(rows, table) };
  }

  /**
   * On start: runs left queued or running by a process that is gone become 'interrupted',
   * keeping their rows. Runs another live process owns are left alone — the owner's pid and,
   * where recorded, its start time must both match a running process. Returns their ids.
   */
  async recoverInterrupted(isAlive: (pid: number, started?: string | null) => boolean = isOwnerAlive): Promise<string[]> {
    const orphaned = (r: RunRecord): boolean =>
      (r.status === 'running' || r.status === 'queued') && (r.owner_pid === null || !isAlive(r.owner_pid, r.owner_started));
    const candidates = (await this.list()).filter((e): e is RunRecord => !isDamaged(e) && orphaned(e));
    const recovered: string[] = [];
    for (const run of candidates) {
      let changed = false;
      try {
        await this.modify(
          run.id,
          (r) => {
            // Re-checked under the lock: the run may have finished since list().
            if (!orphaned(r)) return null;
            changed = true;
            const why =
              r.owner_pid === null
                ? 'Interrupted: no process was supervising this run when Runlab started again'
                : `Interrupted: the process supervising this run (pid ${r.owner_pid}) ended before the run finished`;
            return {
              ...r,
              status: 'interrupted',
              ended: new Date().toISOString(),
              error: r.status === 'queued' ? 'The app closed before this run started' : why,
              ...NO_OWNER,
            };
          },
          undefined,
          true,
        );
      } catch (error) {
        // Deleted or damaged meanwhile: nothing to recover.
        if (error instanceof LabError && (error.code === 'not_found' || error.code === 'invalid')) continue;
        // A full disk: the run stays listed as it was, and can be deleted (its owner is gone); next start tries again.
        if (isDiskFullError(error)) continue;
        throw error;
      }
      if (changed) {
        recovered.push(run.id);
        // A save the crash cut short leaves model/last under another name: put it back.
        await recoverModelFolders(this.modelDir(run.id)).catch(() => undefined);
      }
    }
    return recovered;
  }

  /** `change` returning null means "no change": nothing is written. */
  private async modify(id: string, change: (r: RunRecord) => RunRecord | null, dir = this.runDir(id), ending = false): Promise<RunRecord> {
    return runLocks.run(dir, async () => {
      const current = await this.readExisting(id, dir);
      // A copy, so a change that edits its argument in place cannot alter `current`.
      const next = change(structuredClone(current));
      if (next === null) return current;
      const record = validRecord(id, next);
      if (record.id !== id) {
        throw new LabError({ code: 'invalid', field: 'id', message: `Run ${id} cannot change its id to ${JSON.stringify(record.id)}` });
      }
      await this.writeRunFile(join(dir, RUN_FILE), formatRunJson(record), ending);
      return record;
    });
  }

  /**
   * run.json, replaced atomically. On a full disk the space reserve is given back and the write
   * tried once more: the write that ends a run ("failed: disk full while writing …") must fit.
   */
  private async writeRunFile(file: string, content: string, ending: boolean): Promise<void> {
    try {
      await writeFileAtomic(file, content);
    } catch (error) {
      if (!ending || !isDiskFull(error) || !(await releaseReserve(this.dataDir))) throw fsError('write', file, error);
      await writeFileAtomic(file, content).catch((again) => {
        throw fsError('write', file, again);
      });
    }
  }

  /** On start (and when space was freed): puts back the space reserve (space-reserve.ts), if it can. */
  async ensureReserve(): Promise<boolean> {
    return ensureReserve(this.dataDir);
  }

  private async readExisting(id: string, dir: string): Promise<RunRecord> {
    const result = await readRunFile(join(dir, RUN_FILE), id);
    if (result.ok) return result.record;
    if (result.missing && (creating.has(dir) || !(await isDirectory(dir)))) throw notFound(id);
    throw new LabError({ code: 'invalid', field: 'id', message: `Run ${id} is damaged and was left unchanged: ${result.reason}` });
  }
}

function parsePatch(input: RunPatch): RunPatch {
  // Absent fields stay absent: zod's strict object would otherwise keep `undefined` keys.
  const defined = Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined));
  const parsed = RunPatchSchema.safeParse(defined);
  if (!parsed.success) {
    const errors = issueFields(parsed.error);
    throw new LabError({ code: 'invalid', field: errors[0]?.field, errors, message: errors.map((e) => e.message).join('; ') });
  }
  const patch = parsed.data;
  return patch.tags ? { ...patch, tags: [...new Set(patch.tags)] } : patch;
}

function validRecord(id: string, record: unknown): RunRecord {
  const parsed = RunRecordSchema.safeParse(record);
  if (parsed.success) return parsed.data;
  const errors = issueFields(parsed.error);
  throw new LabError({
    code: 'invalid',
    field: errors[0]?.field,
    errors,
    message: `Run ${id} was not saved: ${describeIssues(parsed.error)}`,
  });
}

/** The value as it reads back from JSON (NaN → null); undefined when JSON cannot carry it. */
function asStoredJson(value: unknown): unknown {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? undefined : JSON.parse(text);
  } catch {
    return undefined;
  }
}

function sortTime(entry: RunListEntry): number {
  if (isDamaged(entry)) return runIdTime(entry.id) ?? 0;
  return Date.parse(entry.created);
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return false;
  }
}

function notFound(id: string): LabError {
  return new LabError({ code: 'not_found', field: 'id', message: `Run ${id} not found` });
}

/** Whether a store error is a full disk ("disk full while writing <file>"). */
export function isDiskFullError(error: unknown): boolean {
  return error instanceof LabError && error.code === 'unavailable' && error.message.startsWith(DISK_FULL_PREFIX);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function fsError(action: string, path: string, error: unknown): LabError {
  if (error instanceof LabError) return error;
  // A full disk is not Runlab's bug: say which file it stopped, in words a person can act on.
  if (error instanceof DiskFullError) return new LabError({ code: 'unavailable', message: error.message });
  if (isDiskFull(error)) return new LabError({ code: 'unavailable', message: new DiskFullError(path).message });
  const e = error as NodeJS.ErrnoException;
  return new LabError({ code: 'internal', message: `Could not ${action} ${path}: ${e.message}` });
}
