/**
 * planResume: what resuming a run that has ended takes — its newest checkpoint, the epochs
 * to train to, the config the trainer gets, the rows and events to keep — or a LabError
 * saying why it cannot be resumed. Pure: the supervisor carries the plan out.
 *   - epochs: `epochs` if given, else what the run last planned (its config's, or its last
 *     resume's); it must be more than the checkpoint's whole epochs.
 *   - stop-after is lifted when it was what stopped the run (or when new epochs are asked
 *     for); early stopping counts its patience afresh when it stopped the run.
 *   - rows and events after the checkpoint are dropped: the run trains them again.
 */
import { LabError } from '../../../shared/api';
import type { CheckpointInfo } from '../../../shared/checkpoint';
import { validateHyperparams, type Hyperparams } from '../../../shared/hyperparams';
import { FINISHED_STATUSES, type RunEvent, type RunRecord } from '../../../shared/records';

export interface ResumePlan {
  checkpoint: CheckpointInfo;
  config: Hyperparams;
  epochs: number;
  restartEarlyStopping: boolean;
  /** Rows to keep: iteration rows up to `iter`, epoch rows up to `epoch`. */
  keep: { iter: number; epoch: number };
  /** The run's events up to the checkpoint, then this resume. */
  events: RunEvent[];
}

/** The epochs a run is planned to train to: its last resume's, else its config's. */
export function plannedEpochs(record: RunRecord): number {
  const resumes = (record.events ?? []).filter((e) => e.kind === 'resume');
  return resumes.at(-1)?.epochs ?? record.config.epochs;
}

export function planResume(
  record: RunRecord,
  checkpoints: readonly CheckpointInfo[],
  request: { epochs?: number; by: RunEvent['by'] },
): ResumePlan {
  const id = record.id;
  if (record.kind === 'lr-find') {
    throw new LabError({ code: 'conflict', message: `Run ${id} is an LR finder: it has no training to resume` });
  }
  if (!FINISHED_STATUSES.includes(record.status)) {
    throw new LabError({
      code: 'conflict',
      message: `Run ${id} is ${record.status}; only a run that has ended can be resumed from its checkpoint`,
    });
  }
  const checkpoint = checkpoints.at(-1);
  if (checkpoint === undefined) {
    throw new LabError({
      code: 'invalid',
      field: 'id',
      message: `Run ${id} has no checkpoint to resume from (it ended before its first epoch did, or was trained before Runlab kept checkpoints)`,
    });
  }
  const epochs = request.epochs ?? plannedEpochs(record);
  const done = checkpoint.position.epoch;
  if (epochs <= done) {
    const asked = request.epochs === undefined ? `it was planned for ${epochs}` : `asked for ${epochs}`;
    throw new LabError({
      code: 'invalid',
      field: 'epochs',
      message: `Run ${id} has trained ${done} epoch(s) (${asked}); resume it with more epochs than ${done}`,
    });
  }
  const stoppedBy = record.summary?.stopped_by ?? null;
  const liftStopAfter = stoppedBy === 'stop-after' || request.epochs !== undefined;
  const valid = validateHyperparams({ ...record.config, epochs, stopAfter: liftStopAfter ? 0 : record.config.stopAfter });
  if (!valid.ok) {
    const e = valid.errors[0]!;
    throw new LabError({ code: 'invalid', field: e.field, errors: valid.errors, message: `${e.field}: ${e.message}` });
  }
  const keep = { iter: checkpoint.n_iter, epoch: done };
  const kept = (record.events ?? []).filter((e) => e.iter <= keep.iter);
  const resume: RunEvent = {
    kind: 'resume',
    iter: checkpoint.n_iter,
    epoch: checkpoint.n_epochs,
    t: checkpoint.t,
    at: new Date().toISOString(),
    by: request.by,
    checkpoint: checkpoint.name,
    epochs,
  };
  return { checkpoint, config: valid.value, epochs, restartEarlyStopping: stoppedBy === 'early-stopping', keep, events: [...kept, resume] };
}
