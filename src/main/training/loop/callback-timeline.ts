/**
 * CallbackTimeline: what each callback's hook costs at each Runner event, measured by the
 * Runner itself as it calls them (RunnerOptions.timeline) — one clock read per hook call,
 * chained (the end of one hook is the start of the next), and one for each training step.
 * Per hook it keeps the call count, the total and the last `window` durations in a ring
 * (p50 and p95 are taken from those when a snapshot is asked for, not per call). Cheap
 * enough to leave on: the bench measures it against the same loop without it.
 */
import { RUNNER_EVENTS, type RunnerEvent } from '../../../shared/events';
import type { HookTiming, Timeline } from '../../../shared/timeline';
import type { Callback } from './callback';

const EVENT_INDEX = new Map(RUNNER_EVENTS.map((e, i) => [e, i] as const));

class Durations {
  calls = 0;
  total = 0;
  private readonly ring: Float64Array;
  private next = 0;

  constructor(window: number) {
    this.ring = new Float64Array(window);
  }

  add(ms: number): void {
    this.calls++;
    this.total += ms;
    this.ring[this.next] = ms;
    this.next = (this.next + 1) % this.ring.length;
  }

  /** [p50, p95] of the recent durations (nearest rank). */
  percentiles(): [number, number] {
    const n = Math.min(this.calls, this.ring.length);
    if (n === 0) return [0, 0];
    const recent = this.ring.slice(0, n).sort();
    const rank = (q: number) => recent[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
    return [rank(0.5), rank(0.95)];
  }
}

export interface CallbackTimelineOptions {
  /** Durations kept per hook for the percentiles (default 512). */
  window?: number;
  now?: () => number;
  /** Called with a snapshot at most every `everyMs` (default 1000), at the end of a training step. */
  onSnapshot?: (timeline: Timeline) => void;
  everyMs?: number;
}

export class CallbackTimeline {
  readonly now: () => number;
  private readonly window: number;
  private readonly byCallback = new Map<Callback, (Durations | undefined)[]>();
  private readonly steps: Durations;
  private stepStart = -1;
  /** Hook time inside training steps, for the share the callbacks take of a step. */
  private inStepHooks = 0;
  private readonly onSnapshot: ((timeline: Timeline) => void) | undefined;
  private readonly everyMs: number;
  private lastSnapshot: number;
  private iter = 0;
  /** Time spent paused, not to count against the hook or the step it fell in. */
  private pausedInHook = 0;
  private pausedInStep = 0;

  constructor(options: CallbackTimelineOptions = {}) {
    this.window = options.window ?? 512;
    this.now = options.now ?? (() => performance.now());
    this.steps = new Durations(this.window);
    this.onSnapshot = options.onSnapshot;
    this.everyMs = options.everyMs ?? 1000;
    this.lastSnapshot = this.now();
  }

  /** A hook spent `ms` paused (LiveControlCallback): that time is not the hook's or the step's. */
  pausedFor(ms: number): void {
    this.pausedInHook += ms;
    this.pausedInStep += ms;
  }

  /** One hook call of `cb` at `event` took `elapsed` ms (less any pause in it). */
  record(cb: Callback, event: RunnerEvent, elapsed: number): void {
    const ms = elapsed - this.pausedInHook;
    this.pausedInHook = 0;
    let slots = this.byCallback.get(cb);
    if (slots === undefined) this.byCallback.set(cb, (slots = []));
    const i = EVENT_INDEX.get(event)!;
    (slots[i] ??= new Durations(this.window)).add(ms);
    if (this.stepStart >= 0) this.inStepHooks += ms;
  }

  /** A training step begins (before begin_batch). */
  beginStep(): void {
    this.stepStart = this.now();
  }

  /** The training step that began is over (after after_batch); `iter`: iterations done. */
  endStep(iter: number): void {
    if (this.stepStart < 0) return;
    const end = this.now();
    this.steps.add(end - this.stepStart - this.pausedInStep);
    this.stepStart = -1;
    this.pausedInStep = 0;
    this.iter = iter;
    if (this.onSnapshot && end - this.lastSnapshot >= this.everyMs) {
      this.lastSnapshot = end;
      this.onSnapshot(this.snapshot());
    }
  }

  /** Hands a snapshot to onSnapshot now (the end of a fit). */
  report(): void {
    this.lastSnapshot = this.now();
    this.onSnapshot?.(this.snapshot());
  }

  snapshot(): Timeline {
    const stepTotal = this.steps.total;
    const share = (ms: number) => (stepTotal > 0 ? ms / stepTotal : 0);
    const hooks: HookTiming[] = [];
    for (const [cb, slots] of this.byCallback) {
      const callback = cb.constructor.name.replace(/\$\d+$/, '');
      slots.forEach((d, i) => {
        if (d === undefined) return;
        const [p50, p95] = d.percentiles();
        hooks.push({
          callback,
          event: RUNNER_EVENTS[i]!,
          calls: d.calls,
          p50_ms: p50,
          p95_ms: p95,
          total_ms: d.total,
          share: share(d.total),
        });
      });
    }
    const [stepP50, stepP95] = this.steps.percentiles();
    return {
      steps: this.steps.calls,
      step_p50_ms: stepP50,
      step_p95_ms: stepP95,
      step_total_ms: stepTotal,
      callbacks_share: share(this.inStepHooks),
      hooks: hooks.sort((a, b) => b.total_ms - a.total_ms),
      iter: this.iter,
    };
  }
}
