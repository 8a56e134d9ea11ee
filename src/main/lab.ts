/**
 * LabService: LabApi implemented on RunStore + RunSupervisor, free of any transport.
 * Electron IPC, the web host and the CLI all call `call(method, payload)` and `subscribe`.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { z } from 'zod';
import {
  LabError,
  type BackendInfo,
  type DataPreview,
  type ModelDownload,
  type ExportFile,
  RequestSchemas,
  type LabMethod,
  type LabResponses,
  type SchemaInfo,
  type SystemInfo,
} from '../shared/api';
import { DEFAULT_HYPERPARAMS, FIELDS, PRESETS, validateHyperparams, type Hyperparams } from '../shared/hyperparams';
import { InterpretationSchema, PredictionsSchema, type CheckpointName, type Interpretation, type Predictions } from '../shared/analysis';
import { boundText } from '../shared/excerpt';
import { EXPORT_MAX_ROWS, METRICS_MAX_REPLY_ROWS, METRICS_MAX_ROWS, type MetricsView } from '../shared/metrics-view';
import { isDamaged, type DataInfo, type MetricRow, type RunListEntry, type RunRecord } from '../shared/records';
import type { LabListener, LabPort } from './lab-port';
import { readLabSettings, writeLabSettings } from './lab-settings';
import type { MetricsStatus } from './runs/store/metrics-reader';
import type { ViewRequest } from './runs/store/metrics-view';
import { RunStore } from './runs/store/store';
import { RunSupervisor, type SupervisorOptions } from './runs/supervisor';
import { modelZip } from './runs/model-zip';
import { runTrainerTask } from './runs/trainer/run-task';
import { TaskSlots } from './runs/trainer/task-slots';
import { ChildProcessLauncher, type TrainerLauncher } from './runs/trainer/trainer-launcher';
import { WarmTrainers } from './runs/trainer/warm-trainers';
import type { InferenceTask } from './training/inference/inference-task-schema';
import { checkpointDir } from './training/inference/checkpoint-dir';

export interface LabServiceOptions extends SupervisorOptions {
  /** Defaults to $RUNLAB_HOME or ~/.runlab. */
  dataDir?: string;
  /** Defaults to Node child processes (the Electron app passes a utility-process launcher). */
  launcher?: TrainerLauncher;
  /**
   * Trainer processes kept started and prepared for the next run (warm-trainers.ts); default
   * 0. The app and the web host keep one, for a first chart point within a second of Start.
   */
  warmTrainers?: number;
}

type Requests = { [M in LabMethod]: z.output<(typeof RequestSchemas)[M]> };
type Handlers = { [M in LabMethod]: (request: Requests[M]) => Promise<LabResponses[M]> };

export class LabService implements LabPort {
  private readonly handlers: Handlers;
  /** Backends cannot appear or vanish while the app runs: probe once. */
  private backends: Promise<BackendInfo[]> | undefined;

  /** Inference tasks (predict, interpret) run in trainer processes, two at a time. */
  private readonly tasks = new TaskSlots(2);

  private constructor(
    readonly store: RunStore,
    readonly supervisor: RunSupervisor,
    private readonly launcher: TrainerLauncher,
  ) {
    this.handlers = {
      listRuns: () => this.listRuns(),
      getRun: ({ id }) => this.getRun(id),
      getMetrics: ({ ids }) => this.getMetrics(ids),
      getMetricsView: ({ ids, x, from, to, buckets }) => this.getMetricsView(ids, { x: x ?? 'iter', from, to, buckets }),
      getMetricsPage: ({ id, ...page }) => this.store.metricsPage(id, page),
      startRun: ({ config, ...meta }) => this.supervisor.start(config, meta),
      startSweep: (request) => this.supervisor.startSweep(request),
      cancelRun: ({ id }) => this.supervisor.cancel(id),
      updateRun: ({ id, patch }) => this.supervisor.patch(id, patch),
      deleteRun: ({ id }) => this.deleteRun(id),
      exportRun: (request) => this.exportRun(request),
      getSchema: async () => schemaInfo(),
      systemInfo: () => this.systemInfo(),
      setConcurrency: ({ concurrency }) => this.setConcurrency(concurrency),
      previewData: ({ config }) => this.previewData(config),
      predict: ({ id, images, checkpoint }) => this.predict(id, images, checkpoint),
      interpret: ({ id, checkpoint }) => this.interpret(id, checkpoint),
      downloadModel: ({ id, checkpoint }) => this.downloadModel(id, checkpoint),
      // Everything reaching the service through LabApi comes from the UI; the CLI calls the supervisor itself.
      pauseRun: ({ id }) => this.supervisor.pause(id, 'ui'),
      resumeRun: ({ id, epochs }) => this.supervisor.resume(id, { epochs, by: 'ui' }),
      editRun: ({ id, changes }) => this.supervisor.edit(id, changes, 'ui'),
      forkRun: ({ id, epoch, config, ...meta }) => this.supervisor.fork(id, { epoch, config, ...meta }),
      listCheckpoints: ({ id }) => this.supervisor.checkpoints(id),
      getTimeline: ({ id }) => this.supervisor.timeline(id),
    };
  }

  /** Opens the store and marks runs a dead process left queued or running as interrupted. */
  static async open(options: LabServiceOptions = {}): Promise<LabService> {
    const { dataDir, launcher, warmTrainers = 0, ...supervisorOptions } = options;
    const store = new RunStore(dataDir ?? RunStore.defaultDataDir());
    await store.recoverInterrupted();
    // The space the ends of runs need on a full disk (space-reserve.ts); nothing if it cannot.
    await store.ensureReserve();
    const base = launcher ?? new ChildProcessLauncher();
    const cacheDir = supervisorOptions.cacheDir ?? join(store.dataDir, 'cache');
    const trainers = warmTrainers > 0 ? new WarmTrainers(base, { spares: warmTrainers, cacheDir }) : base;
    // The parallel runs a person chose last time, unless the caller says otherwise.
    const concurrency = supervisorOptions.concurrency ?? (await readLabSettings(store.dataDir)).concurrency;
    const supervisor = new RunSupervisor(store, trainers, { ...supervisorOptions, concurrency });
    // Inference tasks start their own processes: a warm spare is kept for the next run.
    return new LabService(store, supervisor, base);
  }

  get dataDir(): string {
    return this.store.dataDir;
  }

  /** Validates the payload against RequestSchemas[method]; refusals are LabErrors naming the field. */
  async call<M extends LabMethod>(method: M, payload: unknown): Promise<LabResponses[M]> {
    if (!Object.hasOwn(RequestSchemas, method)) {
      throw new LabError({ code: 'invalid', field: 'method', message: `Unknown method ${JSON.stringify(method)}` });
    }
    const parsed = RequestSchemas[method].safeParse(payload ?? {});
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        field: issue.path.length > 0 ? issue.path.map(String).join('.') : '(request)',
        message: issue.code === 'unrecognized_keys' ? `Unknown field(s): ${issue.keys.join(', ')}` : issue.message,
      }));
      throw new LabError({
        code: 'invalid',
        field: errors[0]?.field,
        errors,
        message: `${method}: ${errors.map((e) => `${e.field}: ${e.message}`).join('; ')}`,
      });
    }
    const handler = this.handlers[method] as (request: unknown) => Promise<LabResponses[M]>;
    return handler(parsed.data);
  }

  subscribe(listener: LabListener): () => void {
    return this.supervisor.subscribe(listener);
  }

  /** Stops running trainers (cancelled) and resolves once they have exited. */
  async close(): Promise<void> {
    await this.supervisor.close();
  }

  private async listRuns(): Promise<RunListEntry[]> {
    const entries = await this.store.list();
    // Active runs: the live record carries progress the store only saves per epoch.
    return entries.map((e) => (isDamaged(e) ? e : (this.supervisor.live(e.id) ?? e)));
  }

  private async getRun(id: string): Promise<RunRecord> {
    return this.supervisor.live(id) ?? this.store.get(id);
  }

  /**
   * Every row of each run — for runs of at most METRICS_MAX_ROWS rows (and that many in all,
   * times four): a bigger reply would block the host while it is built and sent. Bigger runs
   * are read through getMetricsView and getMetricsPage; the refusal says so.
   */
  private async getMetrics(ids: string[]): Promise<Record<string, MetricRow[]>> {
    const unique = [...new Set(ids)];
    const statuses = await Promise.all(unique.map((id) => this.store.metricsStatus(id)));
    let total = 0;
    unique.forEach((id, i) => {
      const rows = statuses[i]!.rows;
      total += rows;
      if (rows > METRICS_MAX_ROWS) throw tooManyRows(`Run ${id} has ${rows.toLocaleString('en-US')} metric rows`, METRICS_MAX_ROWS);
    });
    if (total > METRICS_MAX_REPLY_ROWS) {
      throw tooManyRows(`These ${unique.length} runs have ${total.toLocaleString('en-US')} metric rows together`, METRICS_MAX_REPLY_ROWS);
    }
    const out: Record<string, MetricRow[]> = {};
    // One at a time: each read is sliced, and reads of different runs would only take turns anyway.
    for (const id of unique) out[id] = await this.store.readMetrics(id);
    return out;
  }

  /** Built in the host: refused beyond EXPORT_MAX_ROWS rows, pointing to the CLI, which streams them. */
  private async exportRun({ id, format, table }: Requests['exportRun']): Promise<ExportFile> {
    const needed = exportRows(await this.store.metricsStatus(id), format, table);
    if (needed > EXPORT_MAX_ROWS) {
      const flags = format === 'json' ? '--format json' : `--table ${table ?? 'epochs'}`;
      throw new LabError({
        code: 'invalid',
        field: 'id',
        message: `Run ${id} has ${needed.toLocaleString('en-US')} rows to export, more than an export from the app holds (${EXPORT_MAX_ROWS.toLocaleString('en-US')}): use \`runlab runs export ${id} ${flags} --out FILE\``,
      });
    }
    return format === 'csv' ? this.store.exportCsv(id, table) : this.store.exportJson(id);
  }

  private async getMetricsView(ids: string[], request: ViewRequest): Promise<Record<string, MetricsView>> {
    const out: Record<string, MetricsView> = {};
    for (const id of new Set(ids)) out[id] = await this.store.metricsView(id, request);
    return out;
  }

  private async deleteRun(id: string): Promise<{ id: string }> {
    // Waiting in the queue: taken out without ever showing up as 'cancelled'.
    const dequeued = await this.supervisor.dequeue(id);
    if (!dequeued && this.supervisor.isActive(id)) {
      await this.supervisor.cancel(id);
      await this.supervisor.whenSettled(id);
    }
    // Not trained here (any more): a run.json a full disk left saying 'running' may go too.
    await this.store.delete(id, { notRunningHere: true });
    this.supervisor.forgetUnsaved(id);
    this.supervisor.notifyDeleted(id);
    // Space was freed: ends of runs a full disk kept from being saved may fit now.
    await this.supervisor.retryUnsaved();
    return { id };
  }

  private async setConcurrency(concurrency: number): Promise<{ concurrency: number }> {
    await writeLabSettings(this.store.dataDir, { concurrency });
    this.supervisor.setConcurrency(concurrency);
    return { concurrency: this.supervisor.concurrency };
  }

  /** Validates the config as startRun does; a data problem is an 'invalid' error on dataPath. */
  private async previewData(input: unknown): Promise<DataPreview> {
    const config = validConfig(input);
    const [{ previewData }, { DataError }] = await Promise.all([import('./training/data/preview'), import('./training/data/data-error')]);
    try {
      return await previewData(config, { cacheDir: join(this.store.dataDir, 'cache') });
    } catch (error) {
      if (!(error instanceof DataError)) throw error;
      throw new LabError({
        code: 'invalid',
        field: 'dataPath',
        errors: [{ field: 'dataPath', message: error.message }],
        message: `dataPath: ${error.message}`,
      });
    }
  }

  /** The run and its recorded data, for the requests that use its checkpoint. */
  private async trainedRun(id: string): Promise<{ run: RunRecord; data: DataInfo; modelDir: string }> {
    const run = await this.getRun(id);
    if (!run.data) {
      throw new LabError({
        code: 'invalid',
        field: 'id',
        message: `Run ${id} has no record of its data (it trained before Runlab kept one, or never loaded its data); train it again to use its model`,
      });
    }
    return { run, data: run.data, modelDir: this.store.modelDir(id) };
  }

  private async predict(id: string, images: { name: string; data: string }[], checkpoint?: CheckpointName): Promise<Predictions> {
    const { run, data, modelDir } = await this.trainedRun(id);
    await this.requireCheckpoint(run, modelDir, checkpoint);
    const task = {
      kind: 'predict' as const,
      backend: run.config.backend,
      modelDir,
      data,
      checkpoint,
      images: images.map((i) => ({ name: i.name, base64: i.data })),
    };
    return PredictionsSchema.parse(await this.runTask(task));
  }

  private async interpret(id: string, checkpoint?: CheckpointName): Promise<Interpretation> {
    const { run, data, modelDir } = await this.trainedRun(id);
    await this.requireCheckpoint(run, modelDir, checkpoint);
    const task = {
      kind: 'interpret' as const,
      config: run.config,
      modelDir,
      data,
      checkpoint,
      cacheDir: join(this.store.dataDir, 'cache'),
    };
    return InterpretationSchema.parse(await this.runTask(task));
  }

  private async downloadModel(id: string, checkpoint?: CheckpointName): Promise<ModelDownload> {
    const run = await this.getRun(id);
    const zip = await modelZip(run, this.store.modelDir(id), checkpoint);
    return {
      filename: zip.filename,
      mime: 'application/zip',
      checkpoint: zip.checkpoint,
      base64: Buffer.from(zip.bytes).toString('base64'),
    };
  }

  private async requireCheckpoint(run: RunRecord, modelDir: string, checkpoint?: CheckpointName): Promise<void> {
    if ((await checkpointDir(modelDir, checkpoint)) !== null) return;
    const what = checkpoint ? `a ${checkpoint} checkpoint` : 'a saved model yet (a checkpoint is saved after each epoch)';
    throw new LabError({ code: 'not_found', field: checkpoint ? 'checkpoint' : 'id', message: `Run ${run.id} has no ${what}` });
  }

  /** The task's failure (a picture that cannot be decoded, data that changed) is the request's answer. */
  private async runTask(task: InferenceTask): Promise<unknown> {
    try {
      return await this.tasks.run(() => runTrainerTask(this.launcher, task));
    } catch (error) {
      throw new LabError({ code: 'invalid', message: boundText((error as Error).message, 500) });
    }
  }

  private async systemInfo(): Promise<SystemInfo> {
    this.backends ??= probe();
    const backends = await this.backends;
    return {
      backends,
      // The order `auto` tries them in (tensorflow, wasm, cpu): the first available wins.
      autoBackend: backends.find((b) => b.available)?.name ?? 'none',
      versions: versions(),
      dataDir: this.store.dataDir,
      platform: `${process.platform} ${process.arch}`,
      concurrency: this.supervisor.concurrency,
    };
  }
}

/** The rows an export holds: both kinds as JSON, one table's as CSV. */
export function exportRows(status: MetricsStatus, format: 'csv' | 'json', table: 'epochs' | 'iterations' | undefined): number {
  if (format === 'json') return status.rows;
  return table === 'iterations' ? status.iterRows : status.epochRows;
}

function tooManyRows(what: string, limit: number): LabError {
  return new LabError({
    code: 'invalid',
    field: 'ids',
    message: `${what}, more than getMetrics sends at once (${limit.toLocaleString('en-US')}): read them with getMetricsView (chart resolution) or getMetricsPage (rows, a page at a time)`,
  });
}

/** The engine loads TensorFlow.js: only on demand, never when the service opens. */
async function probe(): Promise<BackendInfo[]> {
  const { probeBackends } = await import('./training/backend');
  return probeBackends();
}

/** A config checked by the hyperparameter schema, or a LabError naming every bad field. */
function validConfig(input: unknown): Hyperparams {
  const valid = validateHyperparams(input);
  if (valid.ok) return valid.value;
  throw new LabError({
    code: 'invalid',
    field: valid.errors[0]?.field,
    errors: valid.errors,
    message: valid.errors.map((e) => `${e.field}: ${e.message}`).join('; '),
  });
}

function schemaInfo(): SchemaInfo {
  return { fields: FIELDS, defaults: DEFAULT_HYPERPARAMS, presets: PRESETS };
}

function versions(): Record<string, string> {
  const require = createRequire(import.meta.url);
  const out: Record<string, string> = {};
  const packages: Array<[string, string]> = [
    // src/main/lab.ts and the built out/main/index.js both sit two levels under the root.
    ['runlab', '../../package.json'],
    ['tfjs', '@tensorflow/tfjs/package.json'],
    ['tfjs-backend-wasm', '@tensorflow/tfjs-backend-wasm/package.json'],
  ];
  for (const [name, path] of packages) {
    try {
      out[name] = (require(path) as { version: string }).version;
    } catch {
      // Not installed (or not shipped): leave it out rather than guess.
    }
  }
  out.node = process.versions.node;
  if (process.versions.electron) out.electron = process.versions.electron;
  return out;
}
