/**
 * sortCallbacks: the order the Runner calls callbacks in — by `order` (ties in insertion
 * order), then moved as little as needed so each runs after its `runAfter` classes and
 * before its `runBefore` classes (fastai's sort_by_run). Constraints that contradict each
 * other are an error naming the callbacks.
 */
import { className, type Callback } from './callback';

/** True when `a` must run before `b`. */
function precedes(a: Callback, b: Callback): boolean {
  return a.runBefore.some((type) => b instanceof type) || b.runAfter.some((type) => a instanceof type);
}

export function sortCallbacks(cbs: readonly Callback[]): Callback[] {
  const rest = [...cbs].sort((a, b) => a.order - b.order);
  const sorted: Callback[] = [];
  while (rest.length > 0) {
    // The first by order that nothing left must precede.
    const next = rest.findIndex((cb) => !rest.some((other) => other !== cb && precedes(other, cb)));
    if (next < 0) {
      const names = rest.map((cb) => className(cb.constructor)).join(', ');
      throw new Error(`callbacks cannot be ordered: ${names} must each run after another of them (runAfter / runBefore)`);
    }
    sorted.push(...rest.splice(next, 1));
  }
  return sorted;
}
