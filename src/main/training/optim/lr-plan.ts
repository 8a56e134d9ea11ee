/**
 * LrPlan: the learning rate over a run, as one segment that later changes replace — so a
 * live edit, a resume to more epochs or a fork can reshape what is left of the schedule
 * and a checkpoint can carry it as plain numbers. After e epochs (fractional) of training:
 *   lr(e) = scale · schedule(kind, lr)(u),  u = u0 + (e − start) / (end − start) · (1 − u0)
 * where schedule(kind, lr) is the run config's schedule (lr-schedule.ts) over 0 → 1. A fresh
 * run's segment is (its schedule, its lr, scale 1, from 0 to its epochs, u0 0).
 */
import type { LrSegment } from '../../../shared/checkpoint';
import type { Hyperparams, ScheduleKind } from '../../../shared/hyperparams';
import type { Sched } from './annealers';
import { lrSchedule } from './lr-schedule';

export class LrPlan {
  private current!: LrSegment;
  private base: Sched | null = null;

  constructor(segment: LrSegment) {
    this.segment = segment;
  }

  /** The run config's schedule over `epochs`. */
  static fresh(config: Pick<Hyperparams, 'schedule' | 'lr'>, epochs: number): LrPlan {
    return new LrPlan({ kind: config.schedule, lr: config.lr, scale: 1, start: 0, end: epochs, u0: 0 });
  }

  get segment(): LrSegment {
    return { ...this.current };
  }

  set segment(segment: LrSegment) {
    this.current = { ...segment };
    this.base = lrSchedule({ schedule: segment.kind, lr: segment.lr });
  }

  /** The kind of schedule in force now. */
  get kind(): ScheduleKind {
    return this.current.kind;
  }

  /** Where in its schedule (0 → 1) the segment is after `e` epochs. */
  position(e: number): number {
    const { start, end, u0 } = this.current;
    const u = end > start ? u0 + ((e - start) / (end - start)) * (1 - u0) : 1;
    return Math.min(1, Math.max(0, u));
  }

  /** The learning rate after `e` epochs of training. */
  at(e: number): number {
    const { scale, lr } = this.current;
    return scale * (this.base === null ? lr : this.base(this.position(e)));
  }

  /**
   * From `e` on the lr is `lr`, the rest of the schedule keeping its shape, scaled. Where
   * the schedule has reached 0 (linear or cosine at its end) there is no shape left to
   * scale: the rest is constant at `lr`.
   */
  scaleTo(e: number, lr: number): void {
    const now = this.at(e);
    const s = this.current;
    if (!(now > 0) || !Number.isFinite(lr / now)) {
      this.segment = { kind: 'constant', lr, scale: 1, start: e, end: s.end, u0: 0 };
      return;
    }
    this.segment = { ...s, scale: (s.scale * lr) / now, start: e, u0: this.position(e) };
  }

  /** From `e` on: schedule `kind` from `lr`, fresh, over what is left up to `end`. */
  restart(e: number, kind: ScheduleKind, lr: number, end = this.current.end): void {
    this.segment = { kind, lr, scale: 1, start: e, end, u0: 0 };
  }

  /** What is left of the schedule after `e` epochs, stretched (or squeezed) to end at `end`. */
  stretch(e: number, end: number): void {
    if (end === this.current.end) return;
    this.segment = { ...this.current, start: e, end, u0: this.position(e) };
  }
}
