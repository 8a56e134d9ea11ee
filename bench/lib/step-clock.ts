/**
 * StepClockCallback: when each training step ends (and how many samples it took), and a
 * probe at each epoch's end — ordered last, one performance.now() per batch, nothing else.
 * The Runner-loop measurements (runner-core.ts, interleaved.ts) time the Runner with it.
 */
import { Callback } from '../../src/main/training/loop/callback';
import type { EpochProbe, StepTime } from './loop-result';
import { cpuMs, numTensors, rssMb } from './memory';
import type { Tick } from './stats';

export class StepClockCallback extends Callback {
  override order = 1000;
  readonly steps: (StepTime & Tick)[] = [];
  readonly epochs: EpochProbe[] = [];
  private epochStart = 0;

  /** The steps of the epoch in progress, or of the last one. */
  get epochTicks(): Tick[] {
    return this.steps.slice(this.epochStart);
  }

  override async begin_epoch(): Promise<void> {
    this.epochStart = this.steps.length;
  }

  override async after_batch(): Promise<void> {
    const r = this.runner;
    if (r.inTrain) this.steps.push({ iter: this.steps.length + 1, t: performance.now(), samples: r.xb?.shape[0] ?? 0 });
  }

  override async after_epoch(): Promise<void> {
    this.epochs.push({ t: performance.now(), numTensors: numTensors(), rssMb: rssMb(), cpuMs: cpuMs() });
  }
}
