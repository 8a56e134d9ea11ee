/**
 * CallbackTimeline: what each callback's hook costs at each Runner event, measured by the
 * Runner itself as it calls them (RunnerOptions.timeline) — one clock read per hook call,
 * chained (the end of one hook is the start of the next). Batches are sampled: the hooks of
 * every `sampleEvery`-th batch are timed (a clock read costs more than most hooks here), and
 * their counts and totals stand for the batches between; the hooks outside batches (epoch
 * and fit events) and every training step's own time are always measured. Per hook it
 * keeps the call count, the total and the last `window` durations in a ring (p50 and p95
 * are taken from those when a snapshot is asked for, not per call). Cheap enough to leave
 * on: the bench measures what it costs a step.
 */
import { RUNNER_EVENTS, type RunnerEvent } from '../../../shared/events';
import type { HookTiming, Timeline } from '../../../shared/timeline';
import type { Callback } from './callback';

const EVENT_INDEX = Object.fromEntries(RUNNER_EVENTS.map((e, i) => [e, i])) as Record<RunnerEvent, number>;

class Durations {
  calls = 0;
  total = 0;
  private readonly ring: Float64Array;
  private next = 0;
  /** Durations in the ring: one per add, whatever its weight (calls counts the weights). */
  private filled = 0;

  constructor(window: number) {
    this.ring = new Float64Array(window);
  }

  /** One call of `ms`, standing for `weight` calls (a sampled batch stands for the ones between). */
  add(ms: number, weight = 1): void {
    this.calls += weight;
    this.total += ms * weight;
    this.ring[this.next] = ms;
    if (++this.next === this.ring.length) this.next = 0;
    if (this.filled < this.ring.length) this.filled++;
  }

  /** [p50, p95] of the recent durations (nearest rank). */
  percentiles(): [number, number] {
    const n = this.filled;
    if (n === 0) return [0, 0];
    const recent = this.ring.slice(0, n).sort();
    const rank = (q: number) => recent[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))]!;
    return [rank(0.5), rank(0.95)];
  }
}

export interface CallbackTimelineOptions {
  /** Durations kept per hook for the percentiles (default 512). */
  window?: number;
  /** Time the hooks of every n-th batch (default 4; 1 times every batch). */
  sampleEvery?: number;
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
  readonly sampleEvery: number;
  private batches = 0;
  /** Whether hook calls are timed now: in a sampled batch, or outside batches. */
  timing = true;
  /** The weight of a timed call: sampleEvery inside a sampled batch, 1 outside batches. */
  private weight = 1;
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
    this.sampleEvery = Math.max(1, Math.floor(options.sampleEvery ?? 4));
    this.now = options.now ?? (() => performance.now());
    this.steps = new Durations(this.window);
    this.onSnapshot = options.onSnapshot;
    this.everyMs = options.everyMs ?? 1000;
    this.lastSnapshot = this.now();
  }

  /** A hook spent `ms` paused (LiveControlCallback): that time is not the hook's or the step's. */
  pausedFor(ms: number): void {
    // Only a timed hook subtracts it; in an untimed batch it would fall on the next timed hook.
    if (this.timing) this.pausedInHook += ms;
    if (this.stepStart >= 0) this.pausedInStep += ms;
  }

  /** One hook call of `cb` at `event` took `elapsed` ms (less any pause in it). */
  record(cb: Callback, event: RunnerEvent, elapsed: number): void {
    // Never below zero: the clock's jitter around a pause taken off.
    const ms = Math.max(0, elapsed - this.pausedInHook);
    this.pausedInHook = 0;
    let slots = this.byCallback.get(cb);
    if (slots === undefined) this.byCallback.set(cb, (slots = []));
    const i = EVENT_INDEX[event];
    (slots[i] ??= new Durations(this.window)).add(ms, this.weight);
    if (this.stepStart >= 0) this.inStepHooks += ms * this.weight;
  }

  /** A batch begins (before begin_batch): its hooks are timed if it is a sampled one. */
  beginBatch(train: boolean): void {
    this.timing = this.batches++ % this.sampleEvery === 0;
    this.weight = this.sampleEvery;
    if (train) this.stepStart = this.now();
  }

  /** The batch that began is over (after after_batch); `iter`: training iterations done. */
  endBatch(iter: number): void {
    this.timing = true;
    this.weight = 1;
    this.pausedInHook = 0;
    if (this.stepStart < 0) return;
    const end = this.now();
    this.steps.add(Math.max(0, end - this.stepStart - this.pausedInStep));
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
