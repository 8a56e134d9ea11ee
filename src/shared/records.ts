/**
 * What a run is, on disk and on the wire: statuses, metric rows and the run record.
 * Schemas validate everything read back from a file or received across a process boundary.
 */
import { z } from 'zod';
import { HyperparamsSchema, SCHEDULES } from './hyperparams';

export const RUN_STATUSES = ['queued', 'running', 'completed', 'cancelled', 'failed', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'cancelled', 'failed', 'interrupted'];

/** Bump when run.json changes shape; readers refuse versions they do not know. */
export const RUN_SCHEMA_VERSION = 1;

const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });
/** Losses may legitimately diverge to NaN/Infinity; JSON carries those as null. */
const lossValue = z.number().nullable();

/** One training iteration: what the Recorder keeps (loss and lr per step). */
export const IterRowSchema = z.object({
  kind: z.literal('iter'),
  /** 1-based count of training iterations so far. */
  iter: z.number().int().min(1),
  /** Fractional epochs done, as TrainEvalCallback counts them. */
  epoch: finite,
  loss: lossValue,
  lr: finite,
  /** Milliseconds since the run's fit began. */
  t: finite,
});
export type IterRow = z.infer<typeof IterRowSchema>;

/** One epoch: what AvgStatsCallback prints, train and valid. */
export const EpochRowSchema = z.object({
  kind: z.literal('epoch'),
  /** 1-based epoch number. */
  epoch: z.number().int().min(1),
  iter: z.number().int().min(0),
  train_loss: lossValue,
  train_accuracy: lossValue,
  valid_loss: lossValue,
  valid_accuracy: lossValue,
  /** Seconds the epoch took, train and validation. */
  seconds: finite,
  t: finite,
});
export type EpochRow = z.infer<typeof EpochRowSchema>;

export const MetricRowSchema = z.discriminatedUnion('kind', [IterRowSchema, EpochRowSchema]);
export type MetricRow = z.infer<typeof MetricRowSchema>;

export const MetricsSnapshotSchema = z.object({
  train_loss: lossValue,
  train_accuracy: lossValue,
  valid_loss: lossValue,
  valid_accuracy: lossValue,
});
export type MetricsSnapshot = z.infer<typeof MetricsSnapshotSchema>;

export const RunSummarySchema = z.object({
  epochs: z.number().int().min(0),
  iterations: z.number().int().min(0),
  /** Metrics of the last finished epoch. */
  final: MetricsSnapshotSchema.nullable(),
  best_valid_accuracy: lossValue,
  best_valid_loss: lossValue,
  best_epoch: z.number().int().min(0).nullable(),
  samples_per_second: z.number().min(0).nullable(),
  /** Why the loop stopped early, when it did (stop-after, early stopping, NaN, diverged, user). */
  stopped_by: z.string().nullable(),
  /** A finished run that looks like it never learned (accuracy at chance), in words; optional: older runs lack it. */
  warning: z.string().max(500).nullable().optional(),
});
export type RunSummary = z.infer<typeof RunSummarySchema>;

export const ProgressSchema = z.object({
  iter: z.number().int().min(0),
  total_iters: z.number().int().min(0),
  epoch: z.number().min(0),
  epochs: z.number().int().min(0),
  /** The last finished epoch's metrics while the run has no summary yet (absent before the first epoch ends). */
  latest: MetricsSnapshotSchema.optional(),
  /** Best valid accuracy of the epochs finished so far. */
  best_valid_accuracy: lossValue.optional(),
  /** Samples in the training and validation sets, once the data is loaded. */
  train_size: z.number().int().min(0).optional(),
  valid_size: z.number().int().min(0).optional(),
  /** The trainer process while it runs: CPU use (1 = one core busy) and resident memory. */
  cpu: z.number().min(0).optional(),
  rss_bytes: z.number().int().min(0).optional(),
  /** While the trainer reads and decodes the data, before training starts: files done of total. */
  loading: z.object({ done: z.number().int().min(0), total: z.number().int().min(0) }).optional(),
});
export type Progress = z.infer<typeof ProgressSchema>;

/** How an image becomes a model input: resized (centre-cropped) to height × width, then (v/255 − mean) / std per channel. */
export const ImageInputSchema = z.object({
  height: z.number().int().min(1).max(4096),
  width: z.number().int().min(1).max(4096),
  channels: z.union([z.literal(1), z.literal(3)]),
  mean: z.array(finite).min(1).max(3),
  std: z.array(finite).min(1).max(3),
});
export type ImageInput = z.infer<typeof ImageInputSchema>;

/** A file the data layer left out because it could not be decoded (skip-bad-files on). */
export const SkippedFileSchema = z.object({ file: z.string().max(4096), reason: z.string().max(300) });
export type SkippedFile = z.infer<typeof SkippedFileSchema>;

/** What a run's data was: class names (index order), input shape, and how images are prepared. */
export const DataInfoSchema = z.object({
  classes: z.array(z.string().max(200)).min(1).max(10_000),
  /** Per-sample shape the model takes: [784] for the mlp on 28×28 images, [28, 28, 1] for the cnn, [4] for a CSV of 4 features. */
  input_shape: z.array(z.number().int().min(1)).min(1).max(3),
  /** Null when the samples are not images (CSV). */
  image: ImageInputSchema.nullable(),
  train_size: z.number().int().min(0),
  valid_size: z.number().int().min(0),
  /** How many files were left out, and the first few of them. */
  skipped_count: z.number().int().min(0),
  skipped: z.array(SkippedFileSchema).max(20),
});
export type DataInfo = z.infer<typeof DataInfoSchema>;

/** What a run is: a training run (the default, and every record written before kinds existed) or an LR finder's search. */
export const RUN_KINDS = ['train', 'lr-find'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

/** An LR finder's curve (one point per iteration: lr, raw loss — null once it diverged — and smoothed loss) and fastai's suggestions. */
export const LrFindResultSchema = z.object({
  lrs: z.array(finite).max(10_000),
  losses: z.array(lossValue).max(10_000),
  smoothed: z.array(lossValue).max(10_000),
  suggestions: z.object({ valley: finite.nullable(), steep: finite.nullable(), minimum: finite.nullable() }),
  /** Why the search ended: its last iteration, the loss exploding, or a stop. */
  stopped_by: z.enum(['max-iter', 'diverged', 'user']),
  min_lr: finite,
  max_lr: finite,
  max_iter: z.number().int().min(1),
});
export type LrFindResult = z.infer<typeof LrFindResultSchema>;

const isoTime = z.string().datetime({ offset: true });

export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const RunIdSchema = z.string().regex(RUN_ID_PATTERN, {
  error: 'Run id must be 1-64 letters, digits, "-" or "_" (no paths)',
});

/** What can be changed while a run trains (live edits), each with its schema field's bounds. */
export const EDITABLE_FIELDS = ['lr', 'momentum', 'weightDecay', 'schedule'] as const;
export type EditableField = (typeof EDITABLE_FIELDS)[number];

/** A live edit as asked for: at least one editable field, each within its schema bounds. */
export const RunEditSchema = z
  .object({
    lr: HyperparamsSchema.shape.lr.unwrap().optional(),
    momentum: HyperparamsSchema.shape.momentum.unwrap().optional(),
    weightDecay: HyperparamsSchema.shape.weightDecay.unwrap().optional(),
    schedule: HyperparamsSchema.shape.schedule.unwrap().optional(),
  })
  .strict()
  .refine((e) => EDITABLE_FIELDS.some((f) => e[f] !== undefined), {
    error: `An edit changes at least one of: ${EDITABLE_FIELDS.join(', ')}`,
  });
export type RunEdit = z.infer<typeof RunEditSchema>;

/** Who asked for a change: the UI (app or browser) or the command line. */
export const EVENT_SOURCES = ['ui', 'cli'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

/** Where in training a run event happened: the charts' three x axes. */
const eventAt = {
  /** For an edit, the first training iteration (1-based) that used the new values; otherwise iterations done. */
  iter: z.number().int().min(0),
  /** Fractional epochs done then. */
  epoch: finite,
  /** Milliseconds since the run's fit began (the rows' `t`). */
  t: finite,
  /** When, on the wall clock. */
  at: isoTime,
  by: z.enum(EVENT_SOURCES),
};

export const EditChangeSchema = z.object({
  field: z.enum(EDITABLE_FIELDS),
  /** The value before and after: numbers, or a schedule's name. */
  from: z.union([finite, z.enum(SCHEDULES)]),
  to: z.union([finite, z.enum(SCHEDULES)]),
});
export type EditChange = z.infer<typeof EditChangeSchema>;

/** A change to a run while it trained or between its sessions: what, where in training, by whom. */
export const RunEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('edit'), ...eventAt, changes: z.array(EditChangeSchema).min(1) }),
  z.object({ kind: z.literal('pause'), ...eventAt }),
  /** A paused run going on (the trainer was alive the whole time). */
  z.object({ kind: z.literal('continue'), ...eventAt }),
  /** A run that had ended, trained on from its checkpoint (rows after it were dropped). */
  z.object({ kind: z.literal('resume'), ...eventAt, checkpoint: z.string(), epochs: z.number().int().min(1) }),
]);
export type RunEvent = z.infer<typeof RunEventSchema>;
/** A run keeps at most this many events (run.json is rewritten whole at every epoch). */
export const MAX_RUN_EVENTS = 1000;

/** Where a fork started: its parent run and the parent's checkpoint after `epoch` epochs. */
export const ForkOriginSchema = z.object({
  id: RunIdSchema,
  checkpoint: z.string(),
  epoch: z.number().int().min(1),
  /** Parent iterations done at the fork point: the fork's rows start after it. */
  iter: z.number().int().min(0),
});
export type ForkOrigin = z.infer<typeof ForkOriginSchema>;

/** The newest checkpoint a run can be resumed from (its name and position, as the trainer reported it). */
export const LatestCheckpointSchema = z.object({
  name: z.string(),
  epoch: z.number().int().min(0),
  batch: z.number().int().min(0),
  iter: z.number().int().min(0),
});
export type LatestCheckpoint = z.infer<typeof LatestCheckpointSchema>;

export const RunRecordSchema = z.object({
  schema: z.literal(RUN_SCHEMA_VERSION),
  id: RunIdSchema,
  name: z.string().max(200),
  tags: z.array(z.string().min(1).max(50)).max(50),
  notes: z.string().max(20_000),
  config: HyperparamsSchema,
  status: z.enum(RUN_STATUSES),
  /** The tfjs backend that trained it (tensorflow | wasm | cpu) and a device description. */
  backend: z.string().nullable(),
  device: z.string().nullable(),
  created: isoTime,
  started: isoTime.nullable(),
  ended: isoTime.nullable(),
  progress: ProgressSchema.nullable(),
  summary: RunSummarySchema.nullable(),
  error: z.string().nullable(),
  /** Pid of the process supervising the run while it is queued or running; lets a later
   * start tell a run whose supervisor died (→ interrupted) from one another process owns. */
  owner_pid: z.number().int().nullable(),
  /** When that process started, where the system tells (Linux): a reused pid is not the owner.
   * Optional: records written before it existed still read. */
  owner_started: z.string().nullable().optional(),
  /** The sweep (or seed group) the run was queued with; absent for a run started on its own. */
  group: z.string().regex(RUN_ID_PATTERN).nullable().optional(),
  /** A queued run whose trainer process is starting (set live by the supervisor, never stored). */
  phase: z.enum(['starting']).nullable().optional(),
  /** The data the trainer loaded (classes, input shape, image preparation); absent until it has. */
  data: DataInfoSchema.optional(),
  /** Absent on a training run. */
  kind: z.enum(RUN_KINDS).optional(),
  /** An lr-find run's curve and suggestions, once it has finished. */
  lr_find: LrFindResultSchema.optional(),
  /** Run control (all optional: records written before it existed still read). */
  /** Live edits, pauses and resumes, oldest first. */
  events: z.array(RunEventSchema).max(MAX_RUN_EVENTS).optional(),
  /** True while a running run is paused (its trainer alive, idle). */
  paused: z.boolean().optional(),
  /** The newest checkpoint, for Resume; absent for runs that kept none. */
  checkpoint: LatestCheckpointSchema.nullable().optional(),
  /** For a fork: where it came from. */
  parent: ForkOriginSchema.nullable().optional(),
});
export type RunRecord = z.infer<typeof RunRecordSchema>;

/** The fields of a damaged run.json that are still valid each on its own (shown, never trusted). */
export type ReadableRunFields = Partial<
  Pick<
    RunRecord,
    'name' | 'tags' | 'notes' | 'config' | 'status' | 'backend' | 'device' | 'created' | 'started' | 'ended' | 'summary' | 'error'
  >
>;

/**
 * How many times a run's rows were rewound — each resume from a checkpoint drops the rows
 * after it — so a client holding its rows knows to fetch them again.
 */
export function rowsGeneration(record: Pick<RunRecord, 'events'>): number {
  let n = 0;
  for (const e of record.events ?? []) if (e.kind === 'resume') n++;
  return n;
}

/** True for a record as a resume queues it, its rows after the checkpoint just dropped. */
export function justRewound(record: Pick<RunRecord, 'events' | 'status'>): boolean {
  return record.status === 'queued' && record.events?.at(-1)?.kind === 'resume';
}

/** A run folder whose run.json cannot be read or is invalid: listed, never rewritten. */
export interface DamagedRun {
  id: string;
  damaged: true;
  reason: string;
  /** What could still be read of it, when the file is a JSON object at all. */
  readable?: ReadableRunFields;
}
export type RunListEntry = RunRecord | DamagedRun;

export function isDamaged(entry: RunListEntry): entry is DamagedRun {
  return 'damaged' in entry && entry.damaged === true;
}

/** Editable fields of a run. */
export const RunPatchSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1, { error: 'Name must not be empty' })
      .max(200, { error: 'Name must be at most 200 characters' })
      .optional(),
    tags: z
      .array(z.string().trim().min(1, { error: 'A tag must not be empty' }).max(50, { error: 'A tag must be at most 50 characters' }))
      .max(50)
      .optional(),
    notes: z.string().max(20_000, { error: 'Notes must be at most 20,000 characters' }).optional(),
  })
  .strict();
export type RunPatch = z.infer<typeof RunPatchSchema>;
