/**
 * A shuffled batch of an image set gathered from its bytes (dataset.ts's PixelBytes) on
 * wasm: the rows are copied as bytes into the heap, then one SIMD pass (kernels.wat's
 * bytes_to_floats) writes the normalized floats straight into the batch tensor — the same
 * bits as gathering the float rows, from a quarter of the memory. Random rows of an image
 * set's floats (25 MB for 8,000 digits) come from far memory; its bytes (6 MB) stay near
 * the core: measured, 64 digits gathered in 38 µs as floats, the bytes alone in 4–5 µs.
 */
import * as tf from '@tensorflow/tfjs';
import type { PixelBytes } from '../data/dataset';
import { activeHostMemory } from './host-memory';
import { activeSimdKernels } from './simd/simd-kernels';

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/**
 * Rows order[start..start+size) of `bytes` (`sampleSize` bytes each) as a float32 tensor of
 * shape [size, ...shape]; null where the SIMD kernels do not run (gather the floats instead).
 */
export function simdGatherPixels(
  bytes: PixelBytes,
  order: Int32Array,
  start: number,
  size: number,
  sampleSize: number,
  shape: readonly number[],
): tf.Tensor | null {
  const simd = activeSimdKernels([]);
  const memory = activeHostMemory();
  if (!simd || !memory) return null;
  const channels = bytes.scale.length;
  // The scales repeat every lcm(4, channels) floats: a whole number of 4-float vectors.
  const period = (4 * channels) / gcd(4, channels);
  const len = size * sampleSize;
  const info = memory.alloc([size, ...shape], 'float32');
  const tensor = tf.engine().makeTensorFromTensorInfo(info);
  // The pattern first (float-aligned), then the bytes; allocated after the tensor and before
  // any view is taken, since an allocation can grow the heap and detach views.
  const scratch = simd.malloc(period * 8 + len);
  if (!scratch) {
    tensor.dispose();
    return null;
  }
  try {
    const out = memory.view(info);
    const heap = new Uint8Array(out.buffer);
    const pattern = new Float32Array(out.buffer, scratch, 2 * period);
    for (let k = 0; k < period; k++) {
      pattern[k] = bytes.scale[k % channels]!;
      pattern[period + k] = bytes.offset[k % channels]!;
    }
    const rows = scratch + period * 8;
    const { values } = bytes;
    for (let b = 0; b < size; b++) {
      const i = order[start + b]!;
      heap.set(values.subarray(i * sampleSize, (i + 1) * sampleSize), rows + b * sampleSize);
    }
    simd.bytesToFloats(rows, out.byteOffset, len, scratch, period);
  } catch (err) {
    tensor.dispose();
    throw err;
  } finally {
    simd.free(scratch);
  }
  return tensor;
}
