/**
 * LabApi: the one contract between the UI and the main side. Electron IPC (preload) and
 * the web host's WebSocket both carry exactly this: a request → response map and a
 * push-event map. Payloads are plain JSON.
 */
import { z } from 'zod';
import { CHECKPOINTS, type CheckpointName, type Interpretation, type Predictions } from './analysis';
import type { FieldSpec, Hyperparams } from './hyperparams';
import type { MetricsPage, MetricsView } from './metrics-view';
import { MetricsPageRequestSchema, MetricsViewRequestSchema } from './metrics-view';
import type { CheckpointInfo } from './checkpoint';
import { HyperparamsSchema } from './hyperparams';
import type { MetricRow, RunListEntry, RunPatch, RunRecord } from './records';
import { RUN_KINDS, RunEditSchema, RunIdSchema, RunPatchSchema } from './records';
import type { Timeline } from './timeline';
import { MAX_SWEEP_RUNS } from './sweep';

export interface BackendInfo {
  name: 'tensorflow' | 'wasm' | 'cpu';
  available: boolean;
  /** Why it is unavailable, and how to get it. */
  reason: string | null;
}

export interface SystemInfo {
  backends: BackendInfo[];
  /** What `auto` resolves to on this machine. */
  autoBackend: string;
  versions: Record<string, string>;
  dataDir: string;
  platform: string;
  /** How many runs train at once; the rest wait in the queue. */
  concurrency: number;
}

export interface SchemaInfo {
  fields: ReadonlyArray<FieldSpec & { key: string }>;
  defaults: Hyperparams;
  presets: ReadonlyArray<{ id: string; label: string; config: Partial<Hyperparams> }>;
}

export interface ExportFile {
  filename: string;
  mime: string;
  content: string;
}

/** The most runs one lab trains at once: each trainer takes a core (and its memory). */
export const MAX_CONCURRENCY = 16;
/** What the New-run form shows of a dataset before training: classes, sample images, size. */
export interface DataPreview {
  dataset: string;
  /** Per class, in label order: how many samples, and how many in train and valid where the source fixes that. */
  classes: { name: string; count: number; train: number | null; valid: number | null }[];
  /** A few samples per class as the model will see them (resized, grey or RGB), as PNG data URLs. */
  samples: { label: string; image: string }[];
  /** The size and channels samples are decoded to, and what the files are; null for tabular data. */
  image: { width: number; height: number; channels: 1 | 3; source: string } | null;
  total: number;
  /** How train and valid are made, in words. */
  split: string;
  /** Things worth knowing: files ignored, samples that could not be decoded, features per row. */
  notes: string[];
}

/** A run's model as a zip (model.json, weights, classes.json), base64 so JSON can carry it. */
export interface ModelDownload {
  filename: string;
  mime: 'application/zip';
  checkpoint: CheckpointName;
  base64: string;
}

/**
 * Images sent to predict: base64 bytes of PNG/JPEG/WebP files. The UI scales pictures down
 * before sending (the web host takes messages up to 1 MiB).
 */
export const MAX_PREDICT_IMAGES = 16;
export const MAX_PREDICT_IMAGE_BASE64 = 700_000;

/** Request payload schemas: every transport validates what it receives with these. */
export const RequestSchemas = {
  listRuns: z.object({}).strict(),
  getRun: z.object({ id: RunIdSchema }).strict(),
  getMetrics: z.object({ ids: z.array(RunIdSchema).min(1).max(50) }).strict(),
  /** Chart resolution: per bucket of x, each series' min, max and mean (src/shared/metrics-view.ts). */
  getMetricsView: MetricsViewRequestSchema,
  /** Raw rows, a page at a time. */
  getMetricsPage: MetricsPageRequestSchema,
  startRun: z
    .object({
      // Validated against the hyperparameter schema by the service, which names each bad field.
      config: z.record(z.string(), z.unknown()),
      name: z.string().trim().min(1).max(200).optional(),
      tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
      notes: z.string().max(20_000).optional(),
      /** 'lr-find': the LR finder on this config, stored as a run of its own kind (default: a training run). */
      kind: z.enum(RUN_KINDS).optional(),
    })
    .strict(),
  /** Several runs queued as one group (a sweep): all configs are checked before any run is made. */
  startSweep: z
    .object({
      runs: z
        .array(
          z
            .object({
              config: z.record(z.string(), z.unknown()),
              /** This run's own name; without one it is named "<name> <swept>", e.g. "sweep lr=0.1 seed=1". */
              name: z.string().trim().min(1).max(200).optional(),
              /** What sets this run apart (its swept fields' values, in the form's field order): its name's tail. */
              swept: z.record(z.string(), z.union([z.number(), z.string(), z.array(z.number())])).optional(),
            })
            .strict(),
        )
        .min(1, { error: 'A sweep needs at least one run' })
        .max(MAX_SWEEP_RUNS, { error: `A sweep makes at most ${MAX_SWEEP_RUNS} runs` }),
      /** The head of every unnamed run's name (default "sweep"); names are made unique among the stored runs. */
      name: z.string().trim().min(1).max(200).optional(),
      tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
      notes: z.string().max(20_000).optional(),
    })
    .strict(),
  cancelRun: z.object({ id: RunIdSchema }).strict(),
  updateRun: z.object({ id: RunIdSchema, patch: RunPatchSchema }).strict(),
  deleteRun: z.object({ id: RunIdSchema }).strict(),
  exportRun: z
    .object({
      id: RunIdSchema,
      format: z.enum(['csv', 'json']),
      /** CSV only: one row per epoch (default) or per training iteration. */
      table: z.enum(['epochs', 'iterations']).optional(),
    })
    .strict(),
  getSchema: z.object({}).strict(),
  systemInfo: z.object({}).strict(),
  /** How many runs train at once (the queue's parallel runs); kept in the data folder's settings.json. */
  setConcurrency: z
    .object({
      concurrency: z
        .number({ error: 'Parallel runs must be a number' })
        .int({ error: 'Parallel runs must be a whole number' })
        .min(1, { error: 'Parallel runs must be at least 1' })
        .max(MAX_CONCURRENCY, { error: `Parallel runs must be at most ${MAX_CONCURRENCY}` }),
    })
    .strict(),
  // The config is validated against the hyperparameter schema by the service, as for startRun.
  previewData: z.object({ config: z.record(z.string(), z.unknown()) }).strict(),
  predict: z
    .object({
      id: RunIdSchema,
      images: z
        .array(
          z
            .object({
              name: z.string().trim().min(1).max(300),
              data: z
                .string()
                .min(1, { error: 'An image must not be empty' })
                .max(MAX_PREDICT_IMAGE_BASE64, { error: 'An image must be at most 512 KB: scale it down first' })
                .regex(/^[A-Za-z0-9+/]*={0,2}$/, { error: 'An image must be base64 data' }),
            })
            .strict(),
        )
        .min(1, { error: 'Send at least one image' })
        .max(MAX_PREDICT_IMAGES, { error: `Send at most ${MAX_PREDICT_IMAGES} images at once` }),
      checkpoint: z.enum(CHECKPOINTS).optional(),
    })
    .strict(),
  interpret: z.object({ id: RunIdSchema, checkpoint: z.enum(CHECKPOINTS).optional() }).strict(),
  downloadModel: z.object({ id: RunIdSchema, checkpoint: z.enum(CHECKPOINTS).optional() }).strict(),
  /** Run control (docs/run-control.md). */
  pauseRun: z.object({ id: RunIdSchema }).strict(),
  /** A paused run goes on; an ended one trains on from its newest checkpoint (to `epochs`, if given). */
  resumeRun: z.object({ id: RunIdSchema, epochs: HyperparamsSchema.shape.epochs.unwrap().optional() }).strict(),
  editRun: z.object({ id: RunIdSchema, changes: RunEditSchema }).strict(),
  forkRun: z
    .object({
      id: RunIdSchema,
      epoch: z
        .number({ error: 'Epoch must be a number' })
        .int({ error: 'Epoch must be a whole number' })
        .min(1, { error: 'Epoch must be at least 1' }),
      // Changes to the parent's config, validated against the hyperparameter schema by the service.
      config: z.record(z.string(), z.unknown()),
      name: z.string().trim().min(1).max(200).optional(),
      tags: z.array(z.string().trim().min(1).max(50)).max(50).optional(),
      notes: z.string().max(20_000).optional(),
    })
    .strict(),
  listCheckpoints: z.object({ id: RunIdSchema }).strict(),
  /** The callback timeline of a running run (live) or of a finished one (as it ended); null when none was kept. */
  getTimeline: z.object({ id: RunIdSchema }).strict(),
} as const;

export type LabMethod = keyof typeof RequestSchemas;
export const LAB_METHODS = Object.keys(RequestSchemas) as LabMethod[];

export interface LabResponses {
  listRuns: RunListEntry[];
  getRun: RunRecord;
  getMetrics: Record<string, MetricRow[]>;
  getMetricsView: Record<string, MetricsView>;
  getMetricsPage: MetricsPage;
  startRun: RunRecord;
  startSweep: { group: string; runs: RunRecord[] };
  cancelRun: RunRecord;
  updateRun: RunRecord;
  deleteRun: { id: string };
  exportRun: ExportFile;
  getSchema: SchemaInfo;
  systemInfo: SystemInfo;
  setConcurrency: { concurrency: number };
  previewData: DataPreview;
  predict: Predictions;
  interpret: Interpretation;
  downloadModel: ModelDownload;
  pauseRun: RunRecord;
  resumeRun: RunRecord;
  editRun: RunRecord;
  forkRun: RunRecord;
  listCheckpoints: CheckpointInfo[];
  getTimeline: Timeline | null;
}

export type LabRequests = { [M in LabMethod]: z.input<(typeof RequestSchemas)[M]> };

/** Events pushed from the main side. Metric rows are coalesced: one message carries many. */
export interface LabEvents {
  'run:updated': RunRecord;
  'run:deleted': { id: string };
  'run:metrics': { id: string; rows: MetricRow[] };
  /** The callback timeline of a training run, about once a second. */
  'run:timeline': { id: string; timeline: Timeline };
}
export type LabEventName = keyof LabEvents;
export const LAB_EVENTS: readonly LabEventName[] = ['run:updated', 'run:deleted', 'run:metrics', 'run:timeline'];

/** The API as the renderer sees it (window.lab in Electron, a WebSocket client in a browser). */
export type LabApi = {
  [M in LabMethod]: (request: LabRequests[M]) => Promise<LabResponses[M]>;
} & {
  on<E extends LabEventName>(event: E, listener: (payload: LabEvents[E]) => void): () => void;
};

/** An error that reaches a person: a code, a message, and the field it concerns if any. */
export interface LabErrorInfo {
  code: 'invalid' | 'not_found' | 'conflict' | 'internal' | 'unavailable';
  message: string;
  field?: string;
  errors?: { field: string; message: string }[];
}

export class LabError extends Error {
  readonly code: LabErrorInfo['code'];
  readonly field: string | undefined;
  readonly errors: { field: string; message: string }[] | undefined;
  constructor(info: LabErrorInfo) {
    super(info.message);
    this.name = 'LabError';
    this.code = info.code;
    this.field = info.field;
    this.errors = info.errors;
  }
  toInfo(): LabErrorInfo {
    return { code: this.code, message: this.message, field: this.field, errors: this.errors };
  }
}

/** Wire envelope for a response, shared by IPC and WebSocket. */
export type LabReply<T> = { ok: true; value: T } | { ok: false; error: LabErrorInfo };

export type { RunPatch };
export type { MetricsPage, MetricsView };
