/**
 * ResumeCheckpointCallback: writes the checkpoints a run can be continued or forked from
 * (shared/checkpoint.ts) — after every epoch, when the fit is stopped (not when the loss
 * diverged: those weights are no place to go on from), and whenever `save` is called (a
 * pause). Each holds the model, the optimizer's state, the lr plan, the layers' random
 * streams and every Resumable callback's state, at a batch boundary. Epoch checkpoints are
 * kept (fork points); a mid-epoch one only until a later checkpoint is written.
 */
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  CHECKPOINT_FORMAT,
  CHECKPOINT_VERSION,
  OPTIMIZER_BIN,
  STATE_JSON,
  checkpointName,
  checkpointTime,
  comparePositions,
  parseCheckpointName,
  type CheckpointInfo,
  type CheckpointPosition,
  type CheckpointState,
} from '../../../shared/checkpoint';
import type { Hyperparams } from '../../../shared/hyperparams';
import { Callback } from '../loop/callback';
import { isResumable, stateNumber, stateObject, type Resumable } from '../loop/resumable';
import { removeCheckpointLeftovers, writeCheckpointFolder } from '../checkpoint/write-checkpoint-folder';
import { encodeModel, MODEL_JSON, WEIGHTS_BIN } from '../models/save-model';
import type { LrPlan } from '../optim/lr-plan';

export interface ResumeCheckpointOptions {
  /** The run's checkpoints folder (model/checkpoints). */
  dir: string;
  /** The config the run was started with (kept in each checkpoint). */
  config: Hyperparams;
  /** The run's lr plan, whose segment each checkpoint keeps. */
  plan: LrPlan;
  /** Told of each checkpoint written. */
  onSaved?: (info: CheckpointInfo) => void;
}

/** The key a callback's state is kept under: its class name (a second of a class gets `#2`). */
export function callbackStateKeys(cbs: readonly Callback[]): Map<Callback, string> {
  const keys = new Map<Callback, string>();
  const seen = new Map<string, number>();
  for (const cb of cbs) {
    const name = cb.constructor.name.replace(/\$\d+$/, '');
    const n = (seen.get(name) ?? 0) + 1;
    seen.set(name, n);
    keys.set(cb, n === 1 ? name : `${name}#${n}`);
  }
  return keys;
}

export class ResumeCheckpointCallback extends Callback implements Resumable {
  /** After everything that updates its state at after_epoch (AvgStats, EarlyStopping, Checkpoint, Telemetry). */
  override order = 40;
  /** The training batches done in epoch `countedEpoch` (a position's `batch`). */
  private countedEpoch = -1;
  private batches = 0;
  /** Checkpoints are written one at a time, in order. */
  private writing: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: ResumeCheckpointOptions) {
    super();
  }

  /** Where training would continue from now. */
  position(): CheckpointPosition {
    const r = this.runner;
    // Counting this epoch, or the next one once this one has ended (after_epoch).
    return this.countedEpoch >= r.epoch ? { epoch: this.countedEpoch, batch: this.batches } : { epoch: r.epoch, batch: 0 };
  }

  state(): { epoch: number; batch: number } {
    return this.position();
  }

  loadState(state: unknown): void {
    const s = stateObject('ResumeCheckpointCallback', state);
    this.countedEpoch = stateNumber('ResumeCheckpointCallback', s, 'epoch', true);
    this.batches = stateNumber('ResumeCheckpointCallback', s, 'batch', true);
  }

  override async begin_fit(): Promise<void> {
    this.countedEpoch = -1;
    this.batches = 0;
    await removeCheckpointLeftovers(this.options.dir);
  }

  override async after_batch(): Promise<void> {
    const r = this.runner;
    if (!r.inTrain) return;
    if (this.countedEpoch !== r.epoch) [this.countedEpoch, this.batches] = [r.epoch, 0];
    this.batches++;
  }

  override async after_epoch(): Promise<void> {
    // The epoch is whole: training continues at the next one's first batch.
    [this.countedEpoch, this.batches] = [this.runner.epoch + 1, 0];
    await this.save('epoch');
  }

  override async after_cancel_train(): Promise<void> {
    if (this.runner.stopReason !== 'nan') await this.save('stop');
  }

  /** Writes a checkpoint of where the fit stands (at a batch boundary); null when nothing has been trained yet. */
  async save(kind: CheckpointState['kind']): Promise<CheckpointInfo | null> {
    const done = this.writing.then(() => this.write(kind));
    this.writing = done.catch(() => undefined);
    return done;
  }

  private async write(kind: CheckpointState['kind']): Promise<CheckpointInfo | null> {
    const r = this.runner;
    const position = this.position();
    if (position.epoch === 0 && position.batch === 0) return null;
    // The callbacks' state must hold every batch so far: bring in the reads still on a device.
    await r.values.flush();
    const { model, opt, data } = r.learner;
    const name = checkpointName(position);
    const dir = join(this.options.dir, name);
    const trainable = model.namedWeights.filter((w) => w.trainable);
    const optState = opt.state();
    const slotNames = Object.keys(optState.slots);
    const slotTensors = slotNames.flatMap((slot) =>
      optState.slots[slot]!.map((tensor, i) => ({ name: `${slot}/${trainable[i]!.name}`, tensor })),
    );
    const encoded = await tf.io.encodeWeights(slotTensors);
    const keys = callbackStateKeys(r.cbs);
    const callbacks: Record<string, unknown> = {};
    for (const cb of r.cbs) if (isResumable(cb)) callbacks[keys.get(cb)!] = await cb.state();
    const layers: Record<string, Record<string, number>> = {};
    for (const layer of model.layers) if (layer.state) layers[layer.name] = layer.state();
    const state: CheckpointState = {
      format: CHECKPOINT_FORMAT,
      version: CHECKPOINT_VERSION,
      kind,
      position,
      n_iter: r.nIter,
      n_epochs: r.nEpochs,
      epochs: r.epochs,
      batches_per_epoch: data.trainDl.length,
      config: this.options.config,
      optimizer: {
        kind: opt.kind,
        hypers: { ...opt.hypers },
        step: optState.step,
        slots: slotNames,
        weights: encoded.specs.map((s) => ({ name: s.name, shape: s.shape, dtype: 'float32' as const })),
      },
      lr: this.options.plan.segment,
      layers,
      shuffle_seed: this.options.config.seed,
      callbacks,
      written: new Date().toISOString(),
    };
    const { json, weights } = await encodeModel(model);
    await writeCheckpointFolder(dir, {
      [MODEL_JSON]: json,
      [WEIGHTS_BIN]: weights,
      [OPTIMIZER_BIN]: new Uint8Array(encoded.data),
      [STATE_JSON]: `${JSON.stringify(state, null, 1)}\n`,
    });
    await this.dropSuperseded(position);
    const info: CheckpointInfo = {
      name,
      position,
      kind,
      n_iter: state.n_iter,
      n_epochs: state.n_epochs,
      t: checkpointTime(state),
      written: state.written,
    };
    this.options.onSaved?.(info);
    return info;
  }

  /** Mid-epoch checkpoints before `latest`: a later one holds everything they did. */
  private async dropSuperseded(latest: CheckpointPosition): Promise<void> {
    const names = await readdir(this.options.dir).catch(() => [] as string[]);
    for (const name of names) {
      const p = parseCheckpointName(name);
      if (p !== null && p.batch > 0 && comparePositions(p, latest) < 0)
        await rm(join(this.options.dir, name), { recursive: true, force: true });
    }
  }
}
