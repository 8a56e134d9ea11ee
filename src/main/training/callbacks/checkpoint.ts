/**
 * CheckpointCallback: saves the model (TensorFlow.js format) to `modelDir/last` after every
 * epoch and when the fit is cancelled, and to `modelDir/best` whenever the validation loss
 * improves — a stopped or crashed run keeps its latest and its best weights. Each save swaps
 * the folder in whole (replaceFolder); leftovers of a crash are put right when the fit begins.
 */
import { join } from 'node:path';
import { Callback } from '../loop/callback';
import { recoverModelFolders } from '../models/model-folder';
import { saveModel } from '../models/save-model';
import { stateNumberOrNull, stateObject, type Resumable } from '../loop/resumable';
import { AvgStatsCallback } from './avg-stats';
import { TelemetryCallback } from './telemetry';

export class CheckpointCallback extends Callback implements Resumable {
  override readonly needs = [AvgStatsCallback];
  /**
   * After AvgStats has the epoch's validation loss, and after Telemetry has sent the epoch's
   * row: a save that fails (a full disk) fails the run but never loses that row.
   */
  override readonly runAfter = [AvgStatsCallback, TelemetryCallback];
  bestLoss: number | null = null;
  /** 1-based epoch saved as best, if any. */
  bestEpoch: number | null = null;

  constructor(readonly modelDir: string) {
    super();
  }

  get lastDir(): string {
    return join(this.modelDir, 'last');
  }

  get bestDir(): string {
    return join(this.modelDir, 'best');
  }

  override async begin_fit(): Promise<void> {
    this.bestLoss = null;
    this.bestEpoch = null;
    // What a crash during an earlier save left (a resumed run writes here again): put right first.
    await recoverModelFolders(this.modelDir);
  }

  state(): { best_loss: number | null; best_epoch: number | null } {
    return { best_loss: this.bestLoss, best_epoch: this.bestEpoch };
  }

  loadState(state: unknown): void {
    const s = stateObject('CheckpointCallback', state);
    this.bestLoss = stateNumberOrNull('CheckpointCallback', s, 'best_loss');
    this.bestEpoch = stateNumberOrNull('CheckpointCallback', s, 'best_epoch');
  }

  override async after_epoch(): Promise<void> {
    const model = this.runner.learner.model;
    await saveModel(model, this.lastDir);
    const loss = this.runner.get(AvgStatsCallback)!.last?.valid?.loss;
    if (loss !== undefined && Number.isFinite(loss) && (this.bestLoss === null || loss < this.bestLoss)) {
      this.bestLoss = loss;
      this.bestEpoch = this.runner.epoch + 1;
      await saveModel(model, this.bestDir);
    }
  }

  override async after_cancel_train(): Promise<void> {
    await saveModel(this.runner.learner.model, this.lastDir);
  }
}
