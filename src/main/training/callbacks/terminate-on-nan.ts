/**
 * TerminateOnNaNCallback: stops the fit when a training loss is NaN or infinite (fastai's
 * TerminateOnNaN: one hook). The loss comes through the Runner's step values, so the stop
 * comes at the NaN batch itself where tensors live in host memory (wasm, cpu), and within
 * one batched readback on a GPU. It runs after the Recorder, which keeps the NaN loss.
 */
import { Callback } from '../loop/callback';
import { CancelTrainException } from '../loop/cancel';
import { RecorderCallback } from './recorder';

export class TerminateOnNaNCallback extends Callback {
  override readonly runAfter = [RecorderCallback];
  /** What stopped the run, e.g. "loss is NaN at iteration 96"; null while the loss is finite. */
  detail: string | null = null;

  override async begin_fit(): Promise<void> {
    this.detail = null;
  }

  override async after_batch(): Promise<void> {
    const r = this.runner;
    if (!r.inTrain || r.loss === null) return;
    const iter = r.nIter;
    r.values.read([r.loss], ([loss]) => {
      const value = loss![0]!;
      if (Number.isFinite(value) || this.detail !== null) return;
      r.stopReason = 'nan';
      this.detail = `loss is ${value} at iteration ${iter}`;
      throw new CancelTrainException(this.detail);
    });
  }
}
