/**
 * trainerOutcome: how the end of a trainer process becomes its run's final status. The
 * first explanation that applies wins: our own failures, then the trainer's word, then
 * what we did to it, then what it said went wrong, and last how the process died.
 */
import { boundText } from '../../../shared/excerpt';
import type { RunStatus, RunSummary } from '../../../shared/records';

export type CancelState = null | 'before-start' | 'requested' | 'killed';

export interface TrainerEnd {
  done: { status: 'completed' | 'cancelled' | 'failed'; error: string | null; summary: RunSummary } | null;
  cancel: CancelState;
  /** The message of an 'error' the trainer sent. */
  trainerError: string | null;
  /** Why a message from the trainer was refused (the trainer was then killed). */
  protocolError: string | null;
  /** Why the store refused a write (the trainer was then stopped). */
  storeError: string | null;
  code: number | null;
  signal: NodeJS.Signals | null;
  stderrTail: string;
  cancelGraceMs: number;
}

export interface Outcome {
  status: Extract<RunStatus, 'completed' | 'cancelled' | 'failed'>;
  summary: RunSummary | null;
  error: string | null;
}

/** The outcome, with its error bounded (≤ 2000 printable characters): it is stored in run.json and sent to every client. */
export function trainerOutcome(end: TrainerEnd): Outcome {
  const outcome = explain(end);
  return outcome.error === null ? outcome : { ...outcome, error: boundText(outcome.error) };
}

function explain(end: TrainerEnd): Outcome {
  const summary = end.done?.summary ?? null;
  if (end.storeError) return { status: 'failed', summary, error: end.storeError };
  if (end.protocolError) return { status: 'failed', summary, error: `trainer protocol error: ${end.protocolError}` };
  if (end.done) return { status: end.done.status, summary, error: end.done.error };
  if (end.cancel === 'killed') {
    return { status: 'cancelled', summary, error: `trainer did not stop within ${seconds(end.cancelGraceMs)} s and was killed` };
  }
  if (end.cancel === 'before-start') return { status: 'cancelled', summary, error: null };
  if (end.trainerError) return { status: 'failed', summary, error: end.trainerError };
  const how = end.signal ? `was killed by signal ${end.signal}` : `exited with code ${end.code ?? 'unknown'}`;
  const tail = end.stderrTail.trim();
  return { status: 'failed', summary, error: `trainer process ${how} before finishing${tail ? `; its stderr ended with:\n${tail}` : ''}` };
}

function seconds(ms: number): string {
  return String(Math.round(ms / 100) / 10);
}
