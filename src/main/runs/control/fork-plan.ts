/**
 * planFork: what forking a run from its checkpoint after `epoch` epochs takes — the fork's
 * config (its parent's, with the changes asked for), its origin, its name — or a LabError
 * naming the field that cannot be. Pure: the supervisor carries the plan out.
 *   - the model's architecture stays the parent's (its weights are the fork's start);
 *   - the fork trains to its config's epochs, which must be more than `epoch`;
 *   - stop-after is not inherited (the parent's count is already past the fork point).
 */
import { LabError } from '../../../shared/api';
import { checkpointName, type CheckpointInfo } from '../../../shared/checkpoint';
import { validateHyperparams, type FieldKey, type Hyperparams } from '../../../shared/hyperparams';
import type { ForkOrigin, RunRecord } from '../../../shared/records';

/** Fields that shape the model's weights: a fork takes its parent's. */
export const ARCHITECTURE_FIELDS: readonly FieldKey[] = ['model', 'hidden', 'batchNorm'];

export interface ForkPlan {
  checkpoint: CheckpointInfo;
  config: Hyperparams;
  parent: ForkOrigin;
  name: string;
}

const invalid = (field: string, message: string) =>
  new LabError({ code: 'invalid', field, errors: [{ field, message }], message: `${field}: ${message}` });

export function planFork(
  parent: RunRecord,
  checkpoints: readonly CheckpointInfo[],
  request: { epoch: number; config: Record<string, unknown>; name?: string },
): ForkPlan {
  const { epoch } = request;
  if (parent.kind === 'lr-find') {
    throw new LabError({ code: 'conflict', message: `Run ${parent.id} is an LR finder: it keeps no model to fork from` });
  }
  const epochsSaved = checkpoints.filter((c) => c.position.batch === 0).map((c) => c.position.epoch);
  const checkpoint = checkpoints.find((c) => c.name === checkpointName({ epoch, batch: 0 }));
  if (checkpoint === undefined) {
    const has = epochsSaved.length === 0 ? 'it has none' : `it has epoch ${rangeText(epochsSaved)}`;
    throw invalid('epoch', `Run ${parent.id} has no checkpoint after epoch ${epoch} to fork from (${has})`);
  }
  for (const field of ARCHITECTURE_FIELDS) {
    const asked = request.config[field];
    if (asked !== undefined && JSON.stringify(asked) !== JSON.stringify(parent.config[field])) {
      throw invalid(
        field,
        `a fork keeps its parent's model (${field} ${JSON.stringify(parent.config[field])}); start a new run to change it`,
      );
    }
  }
  const valid = validateHyperparams({ ...parent.config, stopAfter: 0, ...request.config });
  if (!valid.ok) {
    const e = valid.errors[0]!;
    throw new LabError({
      code: 'invalid',
      field: e.field,
      errors: valid.errors,
      message: valid.errors.map((x) => `${x.field}: ${x.message}`).join('; '),
    });
  }
  if (valid.value.epochs <= epoch)
    throw invalid('epochs', `a fork from epoch ${epoch} trains to more than ${epoch} epochs (got ${valid.value.epochs})`);
  const base = `${parent.name} (fork at epoch ${epoch})`;
  return {
    checkpoint,
    config: valid.value,
    parent: { id: parent.id, checkpoint: checkpoint.name, epoch, iter: checkpoint.n_iter },
    name: request.name ?? (base.length <= 200 ? base : `${base.slice(0, 199)}…`),
  };
}

/** [1, 2, 3, 5] → "1–3, 5". */
function rangeText(epochs: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < epochs.length;) {
    let j = i;
    while (j + 1 < epochs.length && epochs[j + 1] === epochs[j]! + 1) j++;
    parts.push(j > i ? `${epochs[i]}–${epochs[j]}` : String(epochs[i]));
    i = j + 1;
  }
  return parts.join(', ');
}
