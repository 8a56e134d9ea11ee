/**
 * The resumable checkpoint format, shared by the engine (which writes and reads it) and the
 * store (which lists a run's checkpoints without loading TensorFlow.js). A checkpoint is a
 * folder under a run's model/checkpoints/, named after where training continues from it:
 *   epoch-0003              after 3 whole epochs (a fork point)
 *   epoch-0003-batch-00017  after 3 epochs and 17 training batches of the 4th (a pause or stop)
 * holding model.json + weights.bin (a TensorFlow.js layers model, as model/last), state.json
 * (below) and optimizer.bin (the optimizer's slot tensors). A folder appears whole (written
 * beside its place and renamed), so a reader never sees half of one.
 */
import { z } from 'zod';
import { HyperparamsSchema, OPTIMIZERS, SCHEDULES } from './hyperparams';

export const CHECKPOINT_FORMAT = 'runlab-checkpoint';
/** Bump when state.json changes shape; readers refuse versions they do not know, naming both. */
export const CHECKPOINT_VERSION = 1;
export const CHECKPOINTS_DIR = 'checkpoints';
export const STATE_JSON = 'state.json';
export const OPTIMIZER_BIN = 'optimizer.bin';

/** Where training continues: 0-based epoch index (= whole epochs done) and training batches of it done. */
export interface CheckpointPosition {
  epoch: number;
  batch: number;
}

const CHECKPOINT_NAME = /^epoch-(\d{4,})(?:-batch-(\d{5,}))?$/;

/** The folder name of the checkpoint at `position`. */
export function checkpointName({ epoch, batch }: CheckpointPosition): string {
  const e = `epoch-${String(epoch).padStart(4, '0')}`;
  return batch === 0 ? e : `${e}-batch-${String(batch).padStart(5, '0')}`;
}

/** The position a checkpoint folder name stands for; null for anything else (temp folders, strays). */
export function parseCheckpointName(name: string): CheckpointPosition | null {
  const m = CHECKPOINT_NAME.exec(name);
  if (m === null) return null;
  const epoch = Number(m[1]);
  const batch = m[2] === undefined ? 0 : Number(m[2]);
  if (batch === 0 && m[2] !== undefined) return null;
  return { epoch, batch };
}

/** Earlier positions first. */
export function comparePositions(a: CheckpointPosition, b: CheckpointPosition): number {
  return a.epoch - b.epoch || a.batch - b.batch;
}

const count = z.number().int().min(0);
const finite = z.number().refine(Number.isFinite, { error: 'must be a finite number' });

/** The lr plan's current segment (optim/lr-plan.ts): lr(e) = scale · schedule(kind, lr)(u0 + (e − start)/(end − start) · (1 − u0)). */
export const LrSegmentSchema = z.object({
  kind: z.enum(SCHEDULES),
  lr: finite,
  scale: finite,
  /** Epochs (fractional) where the segment starts and where its schedule ends. */
  start: finite,
  end: finite,
  /** Where in its schedule (0 → 1) the segment starts. */
  u0: finite,
});
export type LrSegment = z.infer<typeof LrSegmentSchema>;

export const CheckpointStateSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.literal(CHECKPOINT_VERSION),
  /** Why it was written: the end of an epoch, a pause, a stop. */
  kind: z.enum(['epoch', 'pause', 'stop']),
  position: z.object({ epoch: count, batch: count }),
  /** Training iterations done and fractional epochs, as TrainEvalCallback counts them. */
  n_iter: count,
  n_epochs: finite,
  /** Epochs the fit was planned for when this was written. */
  epochs: z.number().int().min(1),
  /** Batches in a training epoch when this was written (a resume with another batch size starts at an epoch boundary). */
  batches_per_epoch: z.number().int().min(1),
  /** The config the run was started with. */
  config: HyperparamsSchema,
  optimizer: z.object({
    kind: z.enum(OPTIMIZERS),
    hypers: z.record(z.string(), finite),
    step: count,
    /** Slot names (e.g. m, v), each one tensor per trainable weight, stored in optimizer.bin as `<slot>/<weight>`. */
    slots: z.array(z.string()),
    weights: z.array(
      z.object({
        name: z.string(),
        shape: z.array(count),
        dtype: z.literal('float32'),
      }),
    ),
  }),
  lr: LrSegmentSchema,
  /** Per-layer random-stream positions, e.g. { dropout_1: { draws: 375 } }. */
  layers: z.record(z.string(), z.record(z.string(), count)),
  /** The shuffle stream: its seed (the order of epoch k is a function of seed and k alone). */
  shuffle_seed: count,
  /** Each resumable callback's state, by class name. */
  callbacks: z.record(z.string(), z.unknown()),
  written: z.string(),
});
export type CheckpointState = z.infer<typeof CheckpointStateSchema>;

/** What the store tells about one checkpoint (from its name and state.json). */
export interface CheckpointInfo {
  name: string;
  position: CheckpointPosition;
  kind: CheckpointState['kind'];
  n_iter: number;
  n_epochs: number;
  /** Milliseconds of training (the rows' `t`) at the checkpoint. */
  t: number;
  written: string;
}

/** The training time a checkpoint was taken at: its Recorder's clock (0 when it has none). */
export function checkpointTime(state: CheckpointState): number {
  const recorder = state.callbacks.RecorderCallback as { elapsed_ms?: unknown } | undefined;
  return typeof recorder?.elapsed_ms === 'number' && Number.isFinite(recorder.elapsed_ms) ? recorder.elapsed_ms : 0;
}

/** Reads state.json's text: the state, or a reason naming the file and what is wrong with it. */
export function parseCheckpointState(text: string, file: string): { ok: true; state: CheckpointState } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `${file} is not valid JSON (${(error as Error).message})` };
  }
  const head = (typeof value === 'object' && value !== null ? value : {}) as { format?: unknown; version?: unknown };
  if (head.format !== CHECKPOINT_FORMAT)
    return { ok: false, reason: `${file} is not a Runlab checkpoint (format ${JSON.stringify(head.format)})` };
  if (head.version !== CHECKPOINT_VERSION) {
    return {
      ok: false,
      reason: `${file} is checkpoint version ${JSON.stringify(head.version)}; this Runlab reads version ${CHECKPOINT_VERSION} (it may come from a newer Runlab)`,
    };
  }
  const parsed = CheckpointStateSchema.safeParse(value);
  if (parsed.success) return { ok: true, state: parsed.data };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : '(file)';
  return { ok: false, reason: `${file}: ${where} ${issue?.message ?? 'is invalid'}` };
}
