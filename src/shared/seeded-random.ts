/**
 * The project's one seeded generator, mulberry32, shared by the engine (splits, shuffles,
 * weights), sweeps (random draws) and the tests' generated data, so that a seed means the
 * same stream everywhere. Written here rather than taken from a package: it is six lines,
 * and its output is pinned by tests/unit/data/random.test.ts.
 */

/** A uniform generator on [0, 1) seeded by a 32-bit integer (non-integers are truncated). */
export function createRng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
