/**
 * What the UI needs to know about a run's control: whether it can be paused, resumed or
 * forked, the hyperparameters in force now (its config with its live edits applied), the
 * markers its events put on charts, and what changed during the run for the config table.
 */
import type { EditableField, RunEvent, RunRecord } from '../../../shared/records';
import type { ChartMarker } from './chart-markers';

type Edit = Extract<RunEvent, { kind: 'edit' }>;

const edits = (run: RunRecord): Edit[] => (run.events ?? []).filter((e): e is Edit => e.kind === 'edit');

export function isPaused(run: RunRecord): boolean {
  return run.status === 'running' && run.paused === true;
}

/** Ended before its planned end (stopped, interrupted, failed, stop-after, early stopping) with a checkpoint to go on from. */
export function canResume(run: RunRecord): boolean {
  if (!run.checkpoint) return false;
  if (run.status === 'cancelled' || run.status === 'interrupted' || run.status === 'failed') return true;
  const by = run.summary?.stopped_by;
  return run.status === 'completed' && (by === 'stop-after' || by === 'early-stopping');
}

/** Has at least one epoch checkpoint to fork from. */
export function canFork(run: RunRecord): boolean {
  return (run.checkpoint?.epoch ?? 0) >= 1;
}

/** The editable hyperparameters now: the config's, with each live edit's value after it. */
export function currentHypers(run: RunRecord): Record<EditableField, number | string> {
  const now: Record<EditableField, number | string> = {
    lr: run.config.lr,
    momentum: run.config.momentum,
    weightDecay: run.config.weightDecay,
    schedule: run.config.schedule,
  };
  for (const e of edits(run)) for (const c of e.changes) now[c.field] = c.to;
  return now;
}

export interface EventMarker {
  /** Where on each x axis: iteration, fractional epoch, seconds since the fit began. */
  iter: number;
  epoch: number;
  seconds: number;
  label: string;
  kind: RunEvent['kind'];
}

const FIELD_LABELS: Record<EditableField, string> = { lr: 'lr', momentum: 'momentum', weightDecay: 'wd', schedule: 'schedule' };

function formatValue(v: number | string): string {
  if (typeof v === 'string') return v;
  return Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? String(Number(v.toPrecision(4))) : v.toExponential(1);
}

/** One marker per live edit and per resume (the pauses change nothing a chart shows). */
export function eventMarkers(run: RunRecord): EventMarker[] {
  const out: EventMarker[] = [];
  for (const e of run.events ?? []) {
    if (e.kind === 'edit') {
      const label = e.changes.map((c) => `${FIELD_LABELS[c.field]} ${formatValue(c.to)}`).join(', ');
      out.push({ iter: e.iter, epoch: e.epoch, seconds: e.t / 1000, label, kind: 'edit' });
    } else if (e.kind === 'resume') {
      out.push({ iter: e.iter, epoch: e.epoch, seconds: e.t / 1000, label: 'resumed', kind: 'resume' });
    }
  }
  return out;
}

/** A run's markers on a chart whose x axis is `axis`, in `color`: edits dashed, resumes solid. */
export function chartMarkers(run: RunRecord, axis: 'iter' | 'epoch' | 'time', color: string, prefix = ''): ChartMarker[] {
  return eventMarkers(run).map((m) => ({
    x: axis === 'iter' ? m.iter : axis === 'epoch' ? m.epoch : m.seconds,
    label: `${prefix}${m.label}`,
    color,
    dashed: m.kind === 'edit',
  }));
}

/** Per field, the values a run's live edits set, in order: [from, to, to, …]; empty for a field never edited. */
export function changedDuringRun(run: RunRecord): Partial<Record<EditableField, (number | string)[]>> {
  const out: Partial<Record<EditableField, (number | string)[]>> = {};
  for (const e of edits(run)) {
    for (const c of e.changes) {
      const values = (out[c.field] ??= [c.from]);
      values.push(c.to);
    }
  }
  return out;
}

/** How an edit's values read in a sentence: "lr 0.1 → 0.05, momentum 0.9 → 0.8". */
export function describeEdit(e: Edit): string {
  return e.changes.map((c) => `${FIELD_LABELS[c.field]} ${formatValue(c.from)} → ${formatValue(c.to)}`).join(', ');
}

/** One line for a run event in the panel's list: "iteration 1627 · lr 0.1 → 0.05 · from the UI". */
export function describeEvent(e: RunEvent): string {
  const by = e.by === 'cli' ? 'from the CLI' : 'from the UI';
  switch (e.kind) {
    case 'edit':
      return `iteration ${e.iter} · ${describeEdit(e)} · ${by}`;
    case 'pause':
      return `iteration ${e.iter} · paused · ${by}`;
    case 'continue':
      return `iteration ${e.iter} · went on after the pause · ${by}`;
    case 'resume':
      return `iteration ${e.iter} · resumed from ${e.checkpoint}, to ${e.epochs} epochs · ${by}`;
  }
}
