/**
 * TerminateOnNaNCallback: stops the fit when a training loss is NaN or infinite (fastai's
 * TerminateOnNaN, an order and one hook). It checks the losses the Recorder has read back instead of
 * reading each loss itself: where losses are read in place (wasm, cpu) the stop comes at the
 * NaN batch itself, on a GPU within one Recorder read (≤ 32 iterations).
 */
import { Callback } from '../loop/callback';
import { CancelTrainException } from '../loop/cancel';
import { RecorderCallback } from './recorder';

export class TerminateOnNaNCallback extends Callback {
  /** After the Recorder's after_batch. */
  override order = 5;
  /** What stopped the run, e.g. "loss is NaN at iteration 96"; null while the loss is finite. */
  detail: string | null = null;
  private checked = 0;

  override async begin_fit(): Promise<void> {
    this.checked = 0;
    this.detail = null;
  }

  override async after_batch(): Promise<void> {
    const recorder = this.runner.cb('recorder');
    if (!(recorder instanceof RecorderCallback)) throw new Error('TerminateOnNaNCallback needs a RecorderCallback on the same Runner');
    const { losses } = recorder;
    for (; this.checked < losses.length; this.checked++) {
      if (!Number.isFinite(losses[this.checked])) {
        this.runner.stopReason = 'nan';
        this.detail = `loss is ${losses[this.checked]} at iteration ${recorder.iters[this.checked]}`;
        throw new CancelTrainException(this.detail);
      }
    }
  }
}
