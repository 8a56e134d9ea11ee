/**
 * StopAfterCallback: the notebook's TestCallback — stop the fit after n training
 * iterations. Like TestCallback it raises at after_step, so the n-th batch's after_batch
 * still runs (TrainEval counts it, the Recorder keeps its loss): exactly n steps, nIter n.
 * When the n-th step ends an epoch, that epoch validates first and the fit stops at the
 * next begin_epoch.
 */
import { Callback } from '../loop/callback';
import { CancelTrainException } from '../loop/cancel';

export class StopAfterCallback extends Callback {
  constructor(readonly n: number) {
    super();
  }

  override async begin_epoch(): Promise<void> {
    this.check(this.runner.nIter);
  }

  override async after_step(): Promise<void> {
    const r = this.runner;
    // TrainEval counts this step at after_batch: it is step nIter + 1.
    if (r.iter < r.iters - 1) this.check(r.nIter + 1);
  }

  private check(steps: number): void {
    if (steps < this.n) return;
    this.runner.stopReason = 'stop-after';
    throw new CancelTrainException(`stopped after ${this.n} iterations`);
  }
}
