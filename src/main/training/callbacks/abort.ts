/**
 * AbortCallback: turns an AbortSignal (the Stop button, Ctrl-C, a supervisor's cancel) into
 * CancelTrainException at the next batch. The Runner yields to the event loop regularly,
 * so the abort is seen while the loop runs.
 */
import { Callback } from '../loop/callback';
import { CancelTrainException } from '../loop/cancel';

export class AbortCallback extends Callback {
  override order = -20;

  constructor(readonly signal: AbortSignal) {
    super();
  }

  override async begin_fit(): Promise<void> {
    this.check();
  }

  override async begin_batch(): Promise<void> {
    this.check();
  }

  private check(): void {
    if (!this.signal.aborted) return;
    this.runner.stopReason = 'user';
    throw new CancelTrainException('stopped by the user');
  }
}
