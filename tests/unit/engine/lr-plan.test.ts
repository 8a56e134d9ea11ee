/** LrPlan: the lr over a run, reshaped by live edits, resumes to more epochs and forks. */
import { describe, expect, it } from 'vitest';
import { LrPlan } from '../../../src/main/training/optim/lr-plan';
import { lrSchedule } from '../../../src/main/training/optim/lr-schedule';

describe('LrPlan', () => {
  it('is the run config schedule over its epochs when fresh', () => {
    const plan = LrPlan.fresh({ schedule: 'one-cycle', lr: 0.1 }, 4);
    const sched = lrSchedule({ schedule: 'one-cycle', lr: 0.1 })!;
    for (const e of [0, 0.5, 1.2, 2, 3.99]) expect(plan.at(e)).toBeCloseTo(sched(e / 4), 15);
    expect(LrPlan.fresh({ schedule: 'constant', lr: 0.3 }, 2).at(1.5)).toBe(0.3);
  });

  it('scaleTo: the lr is the new value from then on, the schedule keeping its shape', () => {
    const plan = LrPlan.fresh({ schedule: 'cosine', lr: 1 }, 10);
    const before = LrPlan.fresh({ schedule: 'cosine', lr: 1 }, 10);
    plan.scaleTo(2, 0.4);
    expect(plan.at(2)).toBeCloseTo(0.4, 15);
    // Everything after is the old curve times 0.4 / old(2).
    for (const e of [3, 6, 9.5]) expect(plan.at(e)).toBeCloseTo((before.at(e) * 0.4) / before.at(2), 15);
    expect(plan.at(10)).toBeCloseTo(0, 15);
  });

  it('scaleTo where the schedule has reached 0 is constant at the new lr', () => {
    const plan = LrPlan.fresh({ schedule: 'linear', lr: 1 }, 2);
    plan.scaleTo(2, 0.05);
    expect(plan.kind).toBe('constant');
    expect(plan.at(2)).toBe(0.05);
    expect(plan.at(5)).toBe(0.05);
  });

  it('restart: a new schedule over what is left; stretch: what is left laid over more epochs', () => {
    const plan = LrPlan.fresh({ schedule: 'constant', lr: 0.1 }, 4);
    plan.restart(1, 'linear', 0.3);
    expect([plan.at(1), plan.at(2.5), plan.at(4)].map((v) => +v.toFixed(12))).toEqual([0.3, 0.15, 0]);
    const cos = LrPlan.fresh({ schedule: 'cosine', lr: 1 }, 4);
    const old = LrPlan.fresh({ schedule: 'cosine', lr: 1 }, 4);
    cos.stretch(2, 6);
    expect(cos.at(2)).toBeCloseTo(old.at(2), 15);
    // The two epochs left (2 → 4) now take four (2 → 6): epoch 4 is where epoch 3 was.
    expect(cos.at(4)).toBeCloseTo(old.at(3), 15);
    expect(cos.at(6)).toBeCloseTo(0, 15);
    // A segment survives a round trip through its plain numbers (a checkpoint).
    expect(new LrPlan(JSON.parse(JSON.stringify(cos.segment))).at(5)).toBe(cos.at(5));
  });
});
