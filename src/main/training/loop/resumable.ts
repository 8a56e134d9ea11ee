/**
 * Resumable: a callback whose state a checkpoint keeps, so that a fit resumed from it goes
 * on as if it had never stopped (PyTorch's state_dict / load_state_dict). `state` is plain
 * JSON, taken at a batch boundary; `loadState` gets it back in the resumed fit after
 * begin_fit and begin_epoch have reset the callback (Runner.fit's `restore`), and throws
 * naming what does not fit.
 */
import type { Callback } from './callback';

export interface Resumable {
  /** Plain JSON (a promise of it where values must first come off a device). */
  state(): unknown;
  loadState(state: unknown): void;
}

export function isResumable(cb: Callback): cb is Callback & Resumable {
  const r = cb as Partial<Resumable>;
  return typeof r.state === 'function' && typeof r.loadState === 'function';
}

/** The object `state` must be, for loadState's checks: throws `<who>: state must be an object`. */
export function stateObject(who: string, state: unknown): Record<string, unknown> {
  if (typeof state !== 'object' || state === null || Array.isArray(state)) throw new Error(`${who}: its saved state must be an object`);
  return state as Record<string, unknown>;
}

/** A finite number field of a saved state (whole and ≥ 0 where `count`). */
export function stateNumber(who: string, state: Record<string, unknown>, key: string, count = false): number {
  const v = state[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || (count && !(Number.isInteger(v) && v >= 0))) {
    throw new Error(`${who}: saved state.${key} must be ${count ? 'a whole number ≥ 0' : 'a finite number'}`);
  }
  return v;
}

/** A number field that may be null ("none yet"). */
export function stateNumberOrNull(who: string, state: Record<string, unknown>, key: string): number | null {
  return state[key] === null ? null : stateNumber(who, state, key);
}
