/**
 * Seeded randomness for the engine: a small, fast PRNG (mulberry32) and helpers, so that
 * a seed reproduces data splits, shuffles and anything else drawn from it, on any backend.
 */

export { createRng } from '../../shared/seeded-random';

/**
 * Mixes a seed with further integers (an epoch, a purpose tag) into a new 32-bit seed, so
 * that derived streams are independent of each other and of the order they are drawn in.
 */
export function deriveSeed(seed: number, ...parts: number[]): number {
  let h = fmix32((seed >>> 0) ^ 0x9e3779b9);
  for (const part of parts) h = fmix32(Math.imul(h ^ (part >>> 0), 0x85ebca6b) + 0x68e31da4);
  return h >>> 0;
}

/** murmur3's finalizer: every input bit flips each output bit with probability ~1/2. */
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** An integer uniform on [0, n). */
export function randomInt(rng: () => number, n: number): number {
  return Math.floor(rng() * n);
}

/** Fisher–Yates: every permutation equally likely, in place, one rng draw per element. */
export function shuffleInPlace<T>(arr: T[] | Int32Array | Uint32Array, rng: () => number): void {
  const a = arr as unknown as T[]; // typed arrays index like arrays; one loop serves all three
  for (let i = a.length - 1; i > 0; i--) {
    const j = randomInt(rng, i + 1);
    const tmp = a[i]!;
    a[i] = a[j]!;
    a[j] = tmp;
  }
}

/** The identity order 0..n-1 shuffled by `rng`. */
export function permutation(n: number, rng: () => number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  shuffleInPlace(order, rng);
  return order;
}
