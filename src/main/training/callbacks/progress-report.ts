/**
 * ProgressReportCallback: calls `report` with the run's progress at most every `everyMs`
 * during training and at every epoch end — for progress bars and run records.
 */
import type { Progress } from '../../../shared/records';
import { Callback } from '../loop/callback';

export class ProgressReportCallback extends Callback {
  private last = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly report: (progress: Progress) => void,
    private readonly everyMs = 250,
    private readonly now: () => number = () => performance.now(),
  ) {
    super();
  }

  override async begin_fit(): Promise<void> {
    this.last = Number.NEGATIVE_INFINITY;
    this.send();
  }

  override async after_batch(): Promise<void> {
    if (this.runner.inTrain && this.now() - this.last >= this.everyMs) this.send();
  }

  override async after_epoch(): Promise<void> {
    this.send();
  }

  override async after_fit(): Promise<void> {
    this.send();
  }

  private send(): void {
    const r = this.runner;
    this.last = this.now();
    this.report({ iter: r.nIter, total_iters: r.epochs * r.learner.data.trainDl.length, epoch: r.nEpochs, epochs: r.epochs });
  }
}
