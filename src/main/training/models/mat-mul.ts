/**
 * The products of a dense layer's backward pass, as fast as each backend allows.
 *
 * wasm (measured, tfjs 4.22): only a plain product runs through XNNPACK — a transposeA or
 * transposeB flag falls back to a naive loop ~12× slower — and XNNPACK re-packs the right
 * operand whenever it is a new tensor, at ~4 ns a value, about as long as the product
 * itself for a 784×50 operand. So every transpose is an explicit op, the right operand is
 * kept small (xᵀ·g, not (gᵀ·x)ᵀ), and tall matrices are transposed in row blocks (one 2-D
 * transpose of 512×784 is 5× slower than blocks of 128 rows, which stay in cache).
 * cpu and tensorflow handle the flags natively, no slower than explicit transposes.
 */
import * as tf from '@tensorflow/tfjs';

/** Backends whose matMul is only fast without transpose flags. */
const PLAIN_ONLY: ReadonlySet<string> = new Set(['wasm']);
/** Rows above which a wasm transpose goes block by block, and the largest block. */
const BLOCK_ROWS = 128;
const MIN_BLOCK_ROWS = 16;

const plainOnly = (): boolean => PLAIN_ONLY.has(tf.getBackend());

/** The largest block height ≤ BLOCK_ROWS that divides `rows` (null: none worth it). */
function blockRows(rows: number): number | null {
  for (let b = BLOCK_ROWS; b >= MIN_BLOCK_ROWS; b--) if (rows % b === 0) return b;
  return null;
}

/** xᵀ for a 2-D x, cache-friendly on wasm: [R, C] seen as [R/b, b, C] → [C, R/b, b] = [C, R]. */
export function transpose2d(x: tf.Tensor2D): tf.Tensor2D {
  const [rows, cols] = x.shape;
  const b = rows > BLOCK_ROWS && plainOnly() ? blockRows(rows) : null;
  if (b === null) return tf.transpose(x);
  return tf.reshape(tf.transpose(tf.reshape(x, [rows / b, b, cols]), [2, 0, 1]), [cols, rows]);
}

/** a·bᵀ (a dense layer's input gradient dy·Wᵀ). */
export function matMulNT(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return plainOnly() ? tf.matMul(a, transpose2d(b)) : tf.matMul(a, b, false, true);
}

/** aᵀ·b (a dense layer's weight gradient xᵀ·dy). */
export function matMulTN(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return plainOnly() ? tf.matMul(transpose2d(a), b) : tf.matMul(a, b, true, false);
}

/** matMul with transposed operands (for callers that pick the flags at run time). */
export function matMulT(a: tf.Tensor2D, b: tf.Tensor2D, transposeA: boolean, transposeB: boolean): tf.Tensor2D {
  if (!plainOnly()) return tf.matMul(a, b, transposeA, transposeB);
  return tf.matMul(transposeA ? transpose2d(a) : a, transposeB ? transpose2d(b) : b);
}
