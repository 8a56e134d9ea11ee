/**
 * AbortCallback: turns an AbortSignal (the Stop button, Ctrl-C, a supervisor's cancel) into
 * CancelTrainException. The Runner yields to the event loop between batches, so the abort
 * is seen at the end of the next batch: after its step (training) or its loss
 * (validation), so its after_batch still runs and every count stays true to the steps
 * taken; or before an epoch or a pass begins.
 */
import { Callback } from '../loop/callback';
import { CancelTrainException } from '../loop/cancel';

export class AbortCallback extends Callback {
  constructor(readonly signal: AbortSignal) {
    super();
  }

  override async begin_fit(): Promise<void> {
    this.check();
  }

  override async begin_epoch(): Promise<void> {
    this.check();
  }

  override async begin_validate(): Promise<void> {
    this.check();
  }

  override async after_step(): Promise<void> {
    this.check();
  }

  override async after_loss(): Promise<void> {
    if (!this.runner.inTrain) this.check();
  }

  private check(): void {
    if (!this.signal.aborted) return;
    this.runner.stopReason = 'user';
    throw new CancelTrainException('stopped by the user');
  }
}
