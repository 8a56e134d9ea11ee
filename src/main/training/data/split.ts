/** Train/valid splits by index: stratified (mnist-sample) and plain random (CSV). */
import { createRng, permutation, shuffleInPlace } from '../random';

export interface IndexSplit {
  train: Int32Array;
  valid: Int32Array;
}

/**
 * Puts `fraction` of each class in valid. Per-class counts are fraction × class size rounded
 * by largest remainder (ties to the lower class), so they sum to exactly round(fraction × n).
 * Members are the first of each class in a seeded permutation; each side is then shuffled
 * again, since in that permutation a class's train members all come after its valid ones.
 */
export function stratifiedSplit(labels: ArrayLike<number>, fraction: number, seed: number): IndexSplit {
  const sizes = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) sizes.set(labels[i]!, (sizes.get(labels[i]!) ?? 0) + 1);
  const quota = largestRemainder(sizes, fraction, Math.round(fraction * labels.length));
  const rng = createRng(seed);
  const order = permutation(labels.length, rng);
  const nValid = [...quota.values()].reduce((a, b) => a + b, 0);
  const valid = new Int32Array(nValid);
  const train = new Int32Array(labels.length - nValid);
  let v = 0;
  let t = 0;
  for (const i of order) {
    const left = quota.get(labels[i]!)!;
    if (left > 0) {
      quota.set(labels[i]!, left - 1);
      valid[v++] = i;
    } else {
      train[t++] = i;
    }
  }
  shuffleInPlace(train, rng);
  shuffleInPlace(valid, rng);
  return { train, valid };
}

function largestRemainder(sizes: Map<number, number>, fraction: number, total: number): Map<number, number> {
  const classes = [...sizes.keys()].sort((a, b) => a - b);
  const quota = new Map(classes.map((c) => [c, Math.floor(sizes.get(c)! * fraction)]));
  const given = [...quota.values()].reduce((a, b) => a + b, 0);
  const byRemainder = [...classes].sort((a, b) => {
    const ra = sizes.get(a)! * fraction - quota.get(a)!;
    const rb = sizes.get(b)! * fraction - quota.get(b)!;
    return rb - ra || a - b;
  });
  for (let k = 0; k < total - given && k < byRemainder.length; k++) {
    const c = byRemainder[k]!;
    quota.set(c, quota.get(c)! + 1);
  }
  return quota;
}

/** A seeded random split with round(fraction × n) rows in valid, at least one row on each side. */
export function randomSplit(n: number, fraction: number, seed: number): IndexSplit {
  const nValid = Math.min(n - 1, Math.max(1, Math.round(fraction * n)));
  const order = permutation(n, createRng(seed));
  return { valid: order.slice(0, nValid), train: order.slice(nValid) };
}

/** Copies the rows at `indices` (each `rowSize` long) into a new array of the same type. */
export function takeRows<A extends Uint8Array | Float32Array | Int32Array>(src: A, indices: Int32Array, rowSize: number): A {
  const out = new (src.constructor as new (n: number) => A)(indices.length * rowSize);
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k]!;
    out.set(src.subarray(i * rowSize, (i + 1) * rowSize), k * rowSize);
  }
  return out;
}
