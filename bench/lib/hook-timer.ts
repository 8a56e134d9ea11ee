/**
 * HookTimerCallback: times every other callback's hooks on the same Runner, to say which
 * callback costs what. At begin_fit (it runs first) it wraps each callback's hook methods
 * on the instance; the Runner looks hooks up on the instance at every call, so the wrapped
 * ones run from then on. It also times the fit and counts training steps, so hook time can
 * be set against the whole run's time per training step.
 */
import { RUNNER_EVENTS, type RunnerEvent } from '../../src/shared/events';
import { Callback } from '../../src/main/training/loop/callback';

export interface HookCost {
  callback: string;
  event: RunnerEvent;
  calls: number;
  ms: number;
}

type Hook = () => Promise<void>;

export class HookTimerCallback extends Callback {
  override order = -1000;
  private readonly costs = new Map<string, HookCost>();
  private wrapped = false;
  private fitStart = 0;
  /** Training steps seen, and ms from begin_fit to after_fit. */
  trainSteps = 0;
  fitMs = 0;

  constructor(private readonly now: () => number = () => performance.now()) {
    super();
  }

  override async begin_fit(): Promise<void> {
    this.fitStart = this.now();
    if (this.wrapped) return;
    this.wrapped = true;
    for (const cb of this.runner.cbs) {
      if (cb === this) continue;
      for (const event of RUNNER_EVENTS) if (cb.handles(event)) this.wrap(cb, event);
    }
  }

  override async after_batch(): Promise<void> {
    if (this.runner.inTrain) this.trainSteps++;
  }

  override async after_fit(): Promise<void> {
    this.fitMs = this.now() - this.fitStart;
  }

  /** Hook costs, most expensive first. */
  report(): HookCost[] {
    return [...this.costs.values()].sort((a, b) => b.ms - a.ms);
  }

  private wrap(cb: Callback, event: RunnerEvent): void {
    const original = (cb[event] as Hook).bind(cb);
    const key = `${cb.name}.${event}`;
    const cost: HookCost = { callback: cb.name, event, calls: 0, ms: 0 };
    this.costs.set(key, cost);
    const now = this.now;
    (cb as unknown as Record<RunnerEvent, Hook>)[event] = async function timed(): Promise<void> {
      const t0 = now();
      try {
        await original();
      } finally {
        cost.calls++;
        cost.ms += now() - t0;
      }
    };
  }
}
