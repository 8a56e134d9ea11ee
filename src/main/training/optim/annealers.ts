/**
 * Annealers from the course's 05_anneal notebook. Each maps a position in [0, 1] (training
 * progress) to a value:
 *   schedLin(a, b)(p) = a + p·(b − a)
 *   schedCos(a, b)(p) = a + (1 + cos(π·(1 − p)))·(b − a)/2
 *   schedExp(a, b)(p) = a·(b/a)^p
 *   schedNo(a, b)(p)  = a
 * combineScheds(pcts, scheds) runs scheds[i] over the i-th share pcts[i] of training, each
 * seeing its own 0 → 1. One-cycle is combineScheds([0.3, 0.7], [schedCos(lo, lr), schedCos(lr, end)]).
 */
export type Sched = (pos: number) => number;

export const schedLin =
  (start: number, end: number): Sched =>
  (pos) =>
    start + pos * (end - start);
export const schedCos =
  (start: number, end: number): Sched =>
  (pos) =>
    start + ((1 + Math.cos(Math.PI * (1 - pos))) * (end - start)) / 2;
export const schedNo =
  (start: number, _end?: number): Sched =>
  () =>
    start;
export const schedExp =
  (start: number, end: number): Sched =>
  (pos) =>
    start * (end / start) ** pos;

export function combineScheds(pcts: readonly number[], scheds: readonly Sched[]): Sched {
  if (pcts.length !== scheds.length || pcts.length === 0) {
    throw new Error(`combineScheds: needs one share per schedule, got ${pcts.length} shares and ${scheds.length} schedules`);
  }
  if (pcts.some((p) => !(p >= 0))) throw new Error(`combineScheds: shares must be ≥ 0, got [${pcts.join(', ')}]`);
  const total = pcts.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9) throw new Error(`combineScheds: shares must add up to 1, got ${total}`);
  const edges = [0];
  for (const p of pcts) edges.push(edges.at(-1)! + p);
  return (pos) => {
    // The last schedule whose start is ≤ pos (the notebook's `(pos >= pcts).nonzero().max()`),
    // clamped so pos = 1 stays in the last schedule instead of running off the end.
    let idx = 0;
    for (let i = 0; i < scheds.length; i++) if (pos >= edges[i]!) idx = i;
    const actual = (pos - edges[idx]!) / (edges[idx + 1]! - edges[idx]!);
    return scheds[idx]!(actual);
  };
}
