/** TrainEvalCallback: switches train/eval and counts fractional epochs and iterations (fastai). */
import { Callback } from '../loop/callback';
import { stateNumber, stateObject, type Resumable } from '../loop/resumable';

export class TrainEvalCallback extends Callback implements Resumable {
  /** First, as fastai's (-10): every other callback reads its mode and counters. */
  override order = -10;

  override async begin_fit(): Promise<void> {
    this.runner.nEpochs = 0;
    this.runner.nIter = 0;
  }

  override async after_batch(): Promise<void> {
    const r = this.runner;
    if (!r.inTrain) return;
    r.nEpochs += 1 / r.iters;
    r.nIter++;
  }

  override async begin_epoch(): Promise<void> {
    this.runner.nEpochs = this.runner.epoch;
    this.runner.inTrain = true;
  }

  override async begin_validate(): Promise<void> {
    this.runner.inTrain = false;
  }

  state(): { n_iter: number; n_epochs: number } {
    return { n_iter: this.runner.nIter, n_epochs: this.runner.nEpochs };
  }

  loadState(state: unknown): void {
    const s = stateObject('TrainEvalCallback', state);
    this.runner.nIter = stateNumber('TrainEvalCallback', s, 'n_iter', true);
    this.runner.nEpochs = stateNumber('TrainEvalCallback', s, 'n_epochs');
  }
}
