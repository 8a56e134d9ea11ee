/**
 * StopAfterCallback: the notebook's TestCallback — stop the fit after n training
 * iterations. It checks before the next epoch or training batch, so exactly n steps run
 * and an epoch that ends on the n-th step still validates.
 */
import { Callback } from '../loop/callback';
import { CancelTrainException } from '../loop/cancel';

export class StopAfterCallback extends Callback {
  constructor(readonly n: number) {
    super();
  }

  override async begin_epoch(): Promise<void> {
    this.check();
  }

  override async begin_batch(): Promise<void> {
    if (this.runner.inTrain) this.check();
  }

  private check(): void {
    if (this.runner.nIter < this.n) return;
    this.runner.stopReason = 'stop-after';
    throw new CancelTrainException(`stopped after ${this.n} iterations`);
  }
}
