/**
 * ThroughputCallback: training samples per second — samples of the training passes over
 * the wall time spent in them (validation excluded).
 */
import { Callback } from '../loop/callback';
import { stateNumber, stateObject, type Resumable } from '../loop/resumable';

export class ThroughputCallback extends Callback implements Resumable {
  samples = 0;
  ms = 0;
  private started: number | null = null;

  constructor(private readonly now: () => number = () => performance.now()) {
    super();
  }

  get samplesPerSecond(): number | null {
    return this.ms > 0 ? (this.samples / this.ms) * 1000 : null;
  }

  state(): { samples: number; ms: number } {
    return { samples: this.samples, ms: this.ms + (this.started === null ? 0 : this.now() - this.started) };
  }

  loadState(state: unknown): void {
    const s = stateObject('ThroughputCallback', state);
    this.samples = stateNumber('ThroughputCallback', s, 'samples', true);
    this.ms = stateNumber('ThroughputCallback', s, 'ms');
  }

  override async begin_fit(): Promise<void> {
    this.samples = 0;
    this.ms = 0;
    this.started = null;
  }

  override async begin_epoch(): Promise<void> {
    this.started = this.now();
  }

  override async after_batch(): Promise<void> {
    const { inTrain, xb } = this.runner;
    if (inTrain && xb !== null) this.samples += xb.shape[0]!;
  }

  override async begin_validate(): Promise<void> {
    this.stop();
  }

  override async after_epoch(): Promise<void> {
    this.stop();
  }

  override async after_fit(): Promise<void> {
    this.stop();
  }

  private stop(): void {
    if (this.started === null) return;
    this.ms += this.now() - this.started;
    this.started = null;
  }
}
