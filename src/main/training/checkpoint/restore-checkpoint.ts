/**
 * restoreCheckpoint: puts a loaded checkpoint into a freshly built run — its weights into
 * the model (by name, shapes checked), its optimizer state and hyperparameters into the
 * optimizer, the layers' random streams back, and its lr plan — and gives back where to
 * start and how to restore the callbacks once the resumed fit has begun.
 *   resume: the same run goes on, exactly: its hyperparameters as they last were (live
 *           edits included) and its lr plan, stretched when it now trains to more epochs.
 *   fork:   a new run from that point: the fork's own config sets the hyperparameters; the
 *           lr plan goes on where it keeps its parent's lr and schedule, else starts afresh
 *           from the fork point; an optimizer of another kind starts with no state; early
 *           stopping and the best-model checkpoint count from the fork on.
 */
import type { CheckpointPosition } from '../../../shared/checkpoint';
import type { Hyperparams } from '../../../shared/hyperparams';
import { CheckpointCallback } from '../callbacks/checkpoint';
import { EarlyStoppingCallback } from '../callbacks/early-stopping';
import { callbackStateKeys } from '../callbacks/resume-checkpoint';
import type { Callback } from '../loop/callback';
import { isResumable } from '../loop/resumable';
import type { Model } from '../models/model';
import { LrPlan } from '../optim/lr-plan';
import type { Optimizer } from '../optim/optimizers';
import type { LoadedCheckpoint } from './load-checkpoint';

export interface RestoreOptions {
  model: Model;
  opt: Optimizer;
  /** The config this run trains with now (a resume's: epochs to train to; a fork's: its own). */
  config: Hyperparams;
  mode: 'resume' | 'fork';
  /** Training batches per epoch now: a mid-epoch checkpoint needs the same. */
  batchesPerEpoch: number;
  /** The run had been stopped by early stopping: its patience counts afresh. */
  restartEarlyStopping?: boolean;
}

export interface Restored {
  position: CheckpointPosition;
  plan: LrPlan;
  /** For Runner.fit's `restore`: each Resumable callback takes its saved state back. */
  restoreCallbacks(cbs: readonly Callback[]): void;
}

const shape = (s: readonly number[]): string => `[${s.join(', ')}]`;

export function restoreCheckpoint(loaded: LoadedCheckpoint, options: RestoreOptions): Restored {
  const { state } = loaded;
  const { model, opt, config, mode } = options;
  const { position } = state;
  const where = `${loaded.dir}`;
  const doneEpochs = position.batch > 0 ? `${position.epoch} epochs and ${position.batch} batches` : `${position.epoch} epochs`;
  if (config.epochs <= position.epoch) {
    throw new Error(`${where} is after ${doneEpochs}: train to more than ${position.epoch} epochs (asked for ${config.epochs})`);
  }
  if (position.batch > 0 && state.batches_per_epoch !== options.batchesPerEpoch) {
    throw new Error(
      `${where} is mid-epoch (after batch ${position.batch} of ${state.batches_per_epoch}), but this run has ${options.batchesPerEpoch} batches per epoch; start from an epoch checkpoint`,
    );
  }
  copyWeights(loaded, model);

  if (opt.kind === state.optimizer.kind) {
    const trainable = model.namedWeights.filter((w) => w.trainable).map((w) => w.name);
    const slots = Object.fromEntries(
      state.optimizer.slots.map((slot) => [
        slot,
        trainable.map((name) => {
          const t = loaded.slots.get(`${slot}/${name}`);
          if (t === undefined) throw new Error(`${where}: the optimizer state has no ${slot} for ${name}`);
          return t;
        }),
      ]),
    );
    opt.loadState({ step: state.optimizer.step, slots });
  }
  if (mode === 'resume') {
    for (const [key, value] of Object.entries(state.optimizer.hypers)) if (key in opt.hypers) opt.hypers[key] = value;
  }
  for (const layer of model.layers) {
    const saved = state.layers[layer.name];
    if (saved !== undefined && layer.loadState) layer.loadState(saved);
  }

  const plan = new LrPlan(state.lr);
  const parent = state.config;
  if (mode === 'fork' && (parent.lr !== config.lr || parent.schedule !== config.schedule)) {
    plan.restart(state.n_epochs, config.schedule, config.lr, config.epochs);
  } else {
    plan.stretch(state.n_epochs, config.epochs);
  }

  const fresh = (cb: Callback): boolean =>
    (cb instanceof EarlyStoppingCallback && (mode === 'fork' || options.restartEarlyStopping === true)) ||
    (cb instanceof CheckpointCallback && mode === 'fork');
  return {
    position,
    plan,
    restoreCallbacks(cbs) {
      const keys = callbackStateKeys(cbs);
      for (const cb of cbs) {
        const saved = state.callbacks[keys.get(cb)!];
        // A callback this run has and the checkpointed one had not starts fresh.
        if (isResumable(cb) && saved !== undefined && !fresh(cb)) cb.loadState(saved);
      }
    },
  };
}

/** The checkpoint's weights into `model`, by name; any difference in names or shapes is an error naming it. */
function copyWeights(loaded: LoadedCheckpoint, model: Model): void {
  const saved = new Map(loaded.model.namedWeights.map((w) => [w.name, w.variable]));
  const problems: string[] = [];
  for (const w of model.namedWeights) {
    const v = saved.get(w.name);
    if (v === undefined) problems.push(`${w.name} is not in the checkpoint`);
    else if (shape(v.shape) !== shape(w.variable.shape))
      problems.push(`${w.name} is ${shape(w.variable.shape)} here and ${shape(v.shape)} in the checkpoint`);
    saved.delete(w.name);
  }
  for (const name of saved.keys()) problems.push(`${name} is in the checkpoint but not in this model`);
  if (problems.length > 0) {
    throw new Error(
      `${loaded.dir}: the checkpoint's model does not match this run's (a resumed or forked run keeps its model): ${problems.slice(0, 3).join('; ')}`,
    );
  }
  const byName = new Map(loaded.model.namedWeights.map((w) => [w.name, w.variable]));
  for (const w of model.namedWeights) w.variable.assign(byName.get(w.name)!);
}
