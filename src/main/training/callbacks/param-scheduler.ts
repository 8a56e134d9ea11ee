/**
 * ParamSchedulerCallback: sets an optimizer hyperparameter (default `lr`) before every
 * training batch from a schedule of the training progress nEpochs / epochs (05_anneal).
 */
import type { Sched } from '../optim/annealers';
import { Callback } from '../loop/callback';

export class ParamSchedulerCallback extends Callback {
  constructor(
    readonly paramName: string,
    readonly schedFn: Sched,
  ) {
    super();
  }

  override async begin_fit(): Promise<void> {
    const { hypers } = this.runner.learner.opt;
    if (!(this.paramName in hypers)) {
      throw new Error(
        `ParamSchedulerCallback: the optimizer has no hyperparameter "${this.paramName}" (it has ${Object.keys(hypers).join(', ')})`,
      );
    }
  }

  override async begin_batch(): Promise<void> {
    const r = this.runner;
    if (r.inTrain) r.learner.opt.hypers[this.paramName] = this.schedFn(r.nEpochs / r.epochs);
  }
}
