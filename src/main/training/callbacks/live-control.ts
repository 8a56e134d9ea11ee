/**
 * LiveControlCallback: pause and live edits of a fit, asked for from outside the loop (the
 * trainer's parent) and carried out at batch boundaries.
 * - `edit`: queued and applied at the next training batch's begin_batch, after the lr
 *   scheduler: an lr reshapes the run's lr plan (the rest of the schedule scaled to the new
 *   value, or with `schedule` a fresh schedule over what is left), momentum and weight decay
 *   set the optimizer's hyperparameters. Each is reported with the first iteration that uses
 *   it. While paused an edit applies at once: the fit stands at a batch boundary.
 * - `pause`: at the end of the current batch (after_batch, after every other callback):
 *   the rows so far are sent, a checkpoint written, and the fit waits on a promise — no
 *   timer, no polling: the process sleeps until `resume`, or until the abort signal, which
 *   stops the fit as Stop does.
 */
import type { CheckpointInfo } from '../../../shared/checkpoint';
import type { ScheduleKind } from '../../../shared/hyperparams';
import type { EditChange } from '../../../shared/records';
import { Callback } from '../loop/callback';
import { CancelTrainException } from '../loop/cancel';
import type { LrPlan } from '../optim/lr-plan';
import { RecorderCallback } from './recorder';
import { ResumeCheckpointCallback } from './resume-checkpoint';
import { TelemetryCallback } from './telemetry';

export interface EditRequest {
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  schedule?: ScheduleKind;
}

/** Where in training something happened: iterations, fractional epochs, ms since the fit began. */
export interface TrainingPoint {
  iter: number;
  epoch: number;
  t: number;
}

export interface LiveControlOptions {
  /** Aborting while paused stops the fit (stop reason 'user'). */
  signal?: AbortSignal;
  /** An edit took effect: `iter` is the first iteration that uses it. */
  onEdited?: (id: number, at: TrainingPoint, changes: EditChange[]) => void;
  /** An edit could not apply (a field this optimizer lacks, or the fit ended first). */
  onRefused?: (id: number, error: string) => void;
  /** Paused: the point (iterations done) and the checkpoint written there. */
  onPaused?: (at: TrainingPoint, checkpoint: CheckpointInfo | null) => void;
  onResumed?: (at: TrainingPoint) => void;
}

export class LiveControlCallback extends Callback {
  /** Last: a pause comes after every callback has seen the batch (rows sent, batch counted). */
  override order = 50;
  private plan: LrPlan | null = null;
  private queue: { id: number; edit: EditRequest }[] = [];
  private pauseWanted = false;
  private wake: (() => void) | null = null;

  constructor(private readonly options: LiveControlOptions = {}) {
    super();
  }

  /** The lr plan edits reshape (runJob's). */
  usePlan(plan: LrPlan): void {
    this.plan = plan;
  }

  get paused(): boolean {
    return this.wake !== null;
  }

  edit(id: number, edit: EditRequest): void {
    this.queue.push({ id, edit });
    if (this.paused) this.applyQueued();
  }

  pause(): void {
    this.pauseWanted = true;
  }

  resume(): void {
    this.pauseWanted = false;
    this.wake?.();
  }

  override async begin_batch(): Promise<void> {
    if (this.runner.inTrain && this.queue.length > 0) this.applyQueued();
  }

  override async after_batch(): Promise<void> {
    if (!this.pauseWanted) return;
    const r = this.runner;
    // Every value read so far is in (a GPU's batched readbacks), then every row goes out.
    await r.values.flush();
    r.get(TelemetryCallback)?.sendNow();
    const checkpoints = r.cbs.find((cb): cb is ResumeCheckpointCallback => cb instanceof ResumeCheckpointCallback);
    const checkpoint = (await checkpoints?.save('pause')) ?? null;
    if (!this.pauseWanted) return; // resumed while the checkpoint was written
    const signal = this.options.signal;
    const pausedAt = performance.now();
    const aborted = await new Promise<boolean>((resolve) => {
      if (signal?.aborted) return resolve(true);
      const onAbort = () => resolve(true);
      signal?.addEventListener('abort', onAbort, { once: true });
      this.wake = () => {
        signal?.removeEventListener('abort', onAbort);
        resolve(false);
      };
      this.options.onPaused?.(this.point(), checkpoint);
    });
    this.wake = null;
    // The wait is nobody's cost: the callback timeline leaves it out.
    r.timeline?.pausedFor(performance.now() - pausedAt);
    if (aborted) {
      r.stopReason = 'user';
      throw new CancelTrainException('stopped by the user while paused');
    }
    this.options.onResumed?.(this.point());
  }

  override async after_fit(): Promise<void> {
    for (const { id } of this.queue.splice(0)) this.options.onRefused?.(id, 'the run ended before the edit could apply');
  }

  private point(): TrainingPoint {
    const r = this.runner;
    const recorder = r.cbs.find((cb): cb is RecorderCallback => cb instanceof RecorderCallback);
    return { iter: r.nIter, epoch: r.nEpochs, t: recorder?.elapsed() ?? 0 };
  }

  private applyQueued(): void {
    for (const { id, edit } of this.queue.splice(0)) {
      const problem = this.problem(edit);
      if (problem !== null) this.options.onRefused?.(id, problem);
      else this.options.onEdited?.(id, { ...this.point(), iter: this.runner.nIter + 1 }, this.apply(edit));
    }
  }

  private problem(edit: EditRequest): string | null {
    const { opt } = this.runner.learner;
    for (const field of ['momentum', 'weightDecay'] as const) {
      if (edit[field] !== undefined && !(field in opt.hypers)) return `${field}: the ${opt.kind} optimizer has none`;
    }
    if ((edit.lr !== undefined || edit.schedule !== undefined) && this.plan === null) return 'lr: this fit has no lr plan to edit';
    return null;
  }

  private apply(edit: EditRequest): EditChange[] {
    const { opt } = this.runner.learner;
    const e = this.runner.nEpochs;
    const changes: EditChange[] = [];
    const plan = this.plan;
    if (plan !== null && (edit.lr !== undefined || edit.schedule !== undefined)) {
      const [lrBefore, kindBefore] = [opt.hypers.lr!, plan.kind];
      if (edit.schedule !== undefined) plan.restart(e, edit.schedule, edit.lr ?? plan.at(e));
      else plan.scaleTo(e, edit.lr!);
      // The scheduler has already set this batch's lr: set it again from the new plan.
      opt.hypers.lr = plan.at(e);
      if (edit.lr !== undefined) changes.push({ field: 'lr', from: lrBefore, to: edit.lr });
      if (edit.schedule !== undefined) changes.push({ field: 'schedule', from: kindBefore, to: edit.schedule });
    }
    for (const field of ['momentum', 'weightDecay'] as const) {
      const to = edit[field];
      if (to === undefined) continue;
      changes.push({ field, from: opt.hypers[field]!, to });
      opt.hypers[field] = to;
    }
    return changes;
  }
}
