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
  RequestSchemas,
  type LabMethod,
  type LabResponses,
  type SchemaInfo,
  type SystemInfo,
} from '../shared/api';
import { DEFAULT_HYPERPARAMS, FIELDS, PRESETS, validateHyperparams, type Hyperparams } from '../shared/hyperparams';
import { isDamaged, type MetricRow, type RunListEntry, type RunRecord } from '../shared/records';
import type { LabListener, LabPort } from './lab-port';
import { RunStore } from './runs/store/store';
import { RunSupervisor, type SupervisorOptions } from './runs/supervisor';
import { ChildProcessLauncher, type TrainerLauncher } from './runs/trainer/trainer-launcher';

export interface LabServiceOptions extends SupervisorOptions {
  /** Defaults to $RUNLAB_HOME or ~/.runlab. */
  dataDir?: string;
  /** Defaults to Node child processes (the Electron app passes a utility-process launcher). */
  launcher?: TrainerLauncher;
}

type Requests = { [M in LabMethod]: z.output<(typeof RequestSchemas)[M]> };
type Handlers = { [M in LabMethod]: (request: Requests[M]) => Promise<LabResponses[M]> };

export class LabService implements LabPort {
  private readonly handlers: Handlers;
  /** Backends cannot appear or vanish while the app runs: probe once. */
  private backends: Promise<BackendInfo[]> | undefined;

  private constructor(
    readonly store: RunStore,
    readonly supervisor: RunSupervisor,
  ) {
    this.handlers = {
      listRuns: () => this.listRuns(),
      getRun: ({ id }) => this.getRun(id),
      getMetrics: ({ ids }) => this.getMetrics(ids),
      startRun: ({ config, ...meta }) => this.supervisor.start(config, meta),
      cancelRun: ({ id }) => this.supervisor.cancel(id),
      updateRun: ({ id, patch }) => this.supervisor.patch(id, patch),
      deleteRun: ({ id }) => this.deleteRun(id),
      exportRun: ({ id, format, table }) => (format === 'csv' ? this.store.exportCsv(id, table) : this.store.exportJson(id)),
      getSchema: async () => schemaInfo(),
      systemInfo: () => this.systemInfo(),
      previewData: ({ config }) => this.previewData(config),
    };
  }

  /** Opens the store and marks runs a dead process left queued or running as interrupted. */
  static async open(options: LabServiceOptions = {}): Promise<LabService> {
    const { dataDir, launcher, ...supervisorOptions } = options;
    const store = new RunStore(dataDir ?? RunStore.defaultDataDir());
    await store.recoverInterrupted();
    const supervisor = new RunSupervisor(store, launcher ?? new ChildProcessLauncher(), supervisorOptions);
    return new LabService(store, supervisor);
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

  private async getMetrics(ids: string[]): Promise<Record<string, MetricRow[]>> {
    const unique = [...new Set(ids)];
    const rows = await Promise.all(unique.map((id) => this.store.readMetrics(id)));
    return Object.fromEntries(unique.map((id, i) => [id, rows[i]!]));
  }

  private async deleteRun(id: string): Promise<{ id: string }> {
    if (this.supervisor.isActive(id)) {
      await this.supervisor.cancel(id);
      await this.supervisor.whenSettled(id);
    }
    await this.store.delete(id);
    this.supervisor.notifyDeleted(id);
    return { id };
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
