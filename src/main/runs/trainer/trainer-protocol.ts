/**
 * The trainer protocol: what the supervisor and a trainer process say to each other.
 * Both ends validate every message, so a confused or foreign child fails its run with a
 * clear error instead of corrupting the store or crashing the supervisor.
 */
import { z } from 'zod';
import { excerpt } from '../../../shared/excerpt';
import { HyperparamsSchema } from '../../../shared/hyperparams';
import { TimelineSchema } from '../../../shared/timeline';
import {
  DataInfoSchema,
  EditChangeSchema,
  LatestCheckpointSchema,
  LrFindResultSchema,
  MetricRowSchema,
  RUN_KINDS,
  RunEditSchema,
  RunIdSchema,
  RunSummarySchema,
} from '../../../shared/records';
import { InferenceTaskSchema } from '../../training/inference/inference-task-schema';

const count = z.number().int().min(0);
const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });
/** Where in training something happened (iterations, fractional epochs, ms since the fit began). */
const point = { iter: count, epoch: finite, t: finite };

/** Supervisor → trainer. */
export const ParentMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('start'),
    runId: RunIdSchema,
    config: HyperparamsSchema,
    /** Where CheckpointCallback keeps the model; null trains without saving one. */
    modelDir: z.string().min(1).nullable(),
    /** Where the data layer caches decoded datasets (the data folder's cache/); null: its default. */
    cacheDir: z.string().min(1).nullable(),
    /** Continue from a checkpoint (a resumed run or a fork) instead of from scratch. */
    from: z
      .object({
        dir: z.string().min(1),
        mode: z.enum(['resume', 'fork']),
        restartEarlyStopping: z.boolean(),
      })
      .nullable()
      .optional(),
    /** 'lr-find': run the LR finder on this config instead of training it (absent: train). */
    kind: z.enum(RUN_KINDS).optional(),
  }),
  z.object({ type: z.literal('cancel') }),
  /** Pause at the end of the current batch; `resume` goes on. */
  z.object({ type: z.literal('pause') }),
  z.object({ type: z.literal('resume') }),
  /** A live edit; the trainer answers `edited` or `edit-refused` with the same id. */
  z.object({ type: z.literal('edit'), id: count, changes: RunEditSchema }),
  /** Instead of a run: one inference task (predict, interpret), answered with `result`. */
  z.object({ type: z.literal('task'), task: InferenceTaskSchema }),
  /**
   * Sent to a spare trainer before any run is its (warm-trainers.ts): initialise the default
   * backend and load the shipped dataset from this cache now, so a start finds them ready.
   * Optional; at most once, and only before `start`.
   */
  z.object({ type: z.literal('prepare'), cacheDir: z.string().min(1).nullable() }),
]);
export type ParentMessage = z.infer<typeof ParentMessageSchema>;

/** Trainer → supervisor. */
export const ChildMessageSchema = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('started'),
    backend: z.enum(['tensorflow', 'wasm', 'cpu']),
    device: z.string().max(500),
    totalIters: z.number().int().min(0),
    batchesPerEpoch: z.number().int().min(0),
    epochs: z.number().int().min(0),
    /** What the run's data is (classes, input shape, image preparation); older trainers omit it. */
    data: DataInfoSchema.optional(),
    /** A resumed or forked job: iterations and epochs already done at its checkpoint. */
    from: z.object({ iter: count, epoch: finite }).optional(),
  }),
  /** Decoding an image folder before training: files done of all. */
  z.object({ type: z.literal('loading'), done: z.number().int().min(0), total: z.number().int().min(0) }),
  z.object({ type: z.literal('rows'), rows: z.array(MetricRowSchema) }),
  z.object({
    type: z.literal('done'),
    status: z.enum(['completed', 'cancelled', 'failed']),
    error: z.string().nullable(),
    summary: RunSummarySchema,
    /** An lr-find run's curve and suggestions. */
    lrFind: LrFindResultSchema.optional(),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
  /** A task's answer; the caller validates it against what the task returns. */
  z.object({ type: z.literal('result'), value: z.unknown() }),
  z.object({ type: z.literal('paused'), ...point, checkpoint: LatestCheckpointSchema.nullable() }),
  z.object({ type: z.literal('resumed'), ...point }),
  /** `iter` is the first iteration that uses the edit. */
  z.object({ type: z.literal('edited'), id: count, ...point, changes: z.array(EditChangeSchema).min(1) }),
  z.object({ type: z.literal('edit-refused'), id: count, error: z.string().max(500) }),
  /** A resumable checkpoint was written. */
  z.object({ type: z.literal('checkpoint'), checkpoint: LatestCheckpointSchema }),
  /** The callback timeline so far (about once a second, and at the end). */
  z.object({ type: z.literal('timeline'), timeline: TimelineSchema }),
  /** The answer to `prepare`: what it made ready (whatever failed is left to the run, which reports it). */
  z.object({ type: z.literal('prepared'), backend: z.boolean(), data: z.boolean() }),
]);
export type ChildMessage = z.infer<typeof ChildMessageSchema>;

export type Parsed<T> = { ok: true; message: T } | { ok: false; error: string };

export function parseParentMessage(raw: unknown): Parsed<ParentMessage> {
  return parseWith(ParentMessageSchema, raw);
}

export function parseChildMessage(raw: unknown): Parsed<ChildMessage> {
  return parseWith(ChildMessageSchema, raw);
}

function parseWith<T>(schema: z.ZodType<T>, raw: unknown): Parsed<T> {
  const result = schema.safeParse(raw);
  if (result.success) return { ok: true, message: result.data };
  const issue = result.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ` : '';
  return { ok: false, error: `${where}${issue?.message ?? 'invalid message'} (got ${preview(raw)})` };
}

/** A short, single-line rendering of whatever arrived, for the error message. */
function preview(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return excerpt(text, 120);
}

/** Non-finite numbers become null, as JSON would carry them, so both transports agree. */
export function toPlainJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** Iterations a run will train at most: the engine counts full epochs; stop-after caps that. */
export function plannedIters(totalIters: number, stopAfter: number): number {
  return stopAfter > 0 ? Math.min(totalIters, stopAfter) : totalIters;
}
