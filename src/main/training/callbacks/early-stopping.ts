/**
 * EarlyStoppingCallback: stops the fit when the monitored validation value has not
 * improved for `patience` epochs. It decides at after_epoch and stops at the next
 * begin_epoch, so every callback still sees the last epoch end.
 */
import { Callback } from '../loop/callback';
import { CancelTrainException } from '../loop/cancel';
import { stateNumber, stateNumberOrNull, stateObject, type Resumable } from '../loop/resumable';
import { AvgStatsCallback } from './avg-stats';

export type Monitor = 'valid_loss' | 'valid_accuracy';

export interface EarlyStoppingOptions {
  patience: number;
  monitor?: Monitor;
  /** An improvement smaller than this does not count (default 0). */
  minDelta?: number;
}

export class EarlyStoppingCallback extends Callback implements Resumable {
  override readonly needs = [AvgStatsCallback];
  override readonly runAfter = [AvgStatsCallback];
  readonly patience: number;
  readonly monitor: Monitor;
  readonly minDelta: number;
  /** Best monitored value so far (null before the first finite one). */
  best: number | null = null;
  /** Epochs in a row without improvement. */
  wait = 0;

  constructor(opts: EarlyStoppingOptions) {
    super();
    this.patience = opts.patience;
    this.monitor = opts.monitor ?? 'valid_loss';
    this.minDelta = opts.minDelta ?? 0;
  }

  override async begin_fit(): Promise<void> {
    this.best = null;
    this.wait = 0;
  }

  state(): { best: number | null; wait: number } {
    return { best: this.best, wait: this.wait };
  }

  loadState(state: unknown): void {
    const s = stateObject('EarlyStoppingCallback', state);
    this.best = stateNumberOrNull('EarlyStoppingCallback', s, 'best');
    this.wait = stateNumber('EarlyStoppingCallback', s, 'wait', true);
  }

  override async begin_epoch(): Promise<void> {
    if (this.wait < this.patience) return;
    this.runner.stopReason = 'early-stopping';
    throw new CancelTrainException(`${this.monitor} did not improve for ${this.wait} epochs`);
  }

  override async after_epoch(): Promise<void> {
    const valid = this.runner.get(AvgStatsCallback)!.last?.valid;
    const value = this.monitor === 'valid_loss' ? valid?.loss : valid?.metrics.accuracy;
    if (value !== undefined && this.improves(value)) {
      this.best = value;
      this.wait = 0;
    } else {
      this.wait++;
    }
  }

  /** Lower loss or higher accuracy, by more than minDelta; NaN never improves. */
  private improves(value: number): boolean {
    if (!Number.isFinite(value)) return false;
    if (this.best === null) return true;
    return this.monitor === 'valid_loss' ? value < this.best - this.minDelta : value > this.best + this.minDelta;
  }
}
