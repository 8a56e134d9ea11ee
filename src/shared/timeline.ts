/**
 * The callback timeline: how long each callback's hook takes at each Runner event, from the
 * trainer while the run trains — p50 and p95 over the recent calls, the total, and the
 * total as a share of the time the training steps took — so a slow callback shows itself.
 */
import { z } from 'zod';
import { RUNNER_EVENTS } from './events';

const ms = z.number().min(0).refine(Number.isFinite, { error: 'must be a finite number' });

export const HookTimingSchema = z.object({
  /** The callback's class name, e.g. AvgStatsCallback. */
  callback: z.string().min(1).max(200),
  event: z.enum(RUNNER_EVENTS),
  calls: z.number().int().min(0),
  /** Median and 95th percentile over the most recent calls (up to the timer's window). */
  p50_ms: ms,
  p95_ms: ms,
  total_ms: ms,
  /** total_ms over the training steps' total time (a hook outside the steps, e.g. after_epoch, counts against them too). */
  share: ms,
});
export type HookTiming = z.infer<typeof HookTimingSchema>;

export const TimelineSchema = z.object({
  /** Training steps timed: begin_batch to the end of after_batch. */
  steps: z.number().int().min(0),
  step_p50_ms: ms,
  step_p95_ms: ms,
  step_total_ms: ms,
  /** Of the steps' time, the share spent in callbacks (the rest is the loop: forward, backward, the update). */
  callbacks_share: ms,
  hooks: z.array(HookTimingSchema).max(2000),
  /** Training iterations done when it was taken. */
  iter: z.number().int().min(0),
});
export type Timeline = z.infer<typeof TimelineSchema>;
