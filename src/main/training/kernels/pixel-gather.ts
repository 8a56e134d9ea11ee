/**
 * A shuffled batch of an image set gathered from its bytes (dataset.ts's PixelBytes) on
 * wasm, by one SIMD pass (kernels.wat's bytes_to_floats) that writes the normalized floats
 * straight into the batch tensor — the same bits as gathering the float rows, from a
 * quarter of the memory. Random rows of an image set's floats (25 MB for 8,000 digits) come
 * from far memory; its bytes (6 MB) stay near the core.
 *
 * A set of up to RESIDENT_MAX_BYTES is copied into the wasm heap once, at its first batch,
 * and a batch is then one kernel call over the batch's row indices (gather_bytes_to_floats,
 * split over the kernel threads), which asks for all its rows before converting any: the
 * reads of random rows overlap instead of waiting in turn. Measured inside training steps
 * (default MLP, batch 64), the data phase went from 38–40 µs with the rows copied in JS to
 * 21–27 µs on one thread and 16–18 µs on two. The copy is freed when the set is collected.
 * A larger set (its copy would crowd the tensors out of the heap) has its batch's rows
 * copied into a scratch first.
 */
import * as tf from '@tensorflow/tfjs';
import type { PixelBytes } from '../data/dataset';
import { activeHostMemory, type HostMemory } from './host-memory';
import { activeSimdKernels, type SimdKernels } from './simd/simd-kernels';
import { markBackground } from './sparse-input';

/** The largest image set (in bytes) kept in the wasm heap: 60,000 MNIST digits are 47 MB. */
const RESIDENT_MAX_BYTES = 128 * 2 ** 20;
let residentMax = RESIDENT_MAX_BYTES;

/** A set's bytes in one backend's heap: `period` scales, `period` offsets, then the bytes. */
interface Resident {
  simd: SimdKernels;
  ptr: number;
}

const residents = new WeakMap<PixelBytes, Resident>();
const freeOnCollect = new FinalizationRegistry<{ simd: WeakRef<SimdKernels>; ptr: number }>(({ simd, ptr }) => {
  simd.deref()?.free(ptr);
});

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));

/** The scales repeat every lcm(4, channels) floats: a whole number of 4-float vectors. */
const periodOf = (bytes: PixelBytes): number => (4 * bytes.scale.length) / gcd(4, bytes.scale.length);

/** Writes the pattern (`period` scales, then `period` offsets) at `at`. */
function writePattern(heap: ArrayBufferLike, at: number, bytes: PixelBytes, period: number): void {
  const pattern = new Float32Array(heap, at, 2 * period);
  const channels = bytes.scale.length;
  for (let k = 0; k < period; k++) {
    pattern[k] = bytes.scale[k % channels]!;
    pattern[period + k] = bytes.offset[k % channels]!;
  }
}

/**
 * Image sets up to `bytes` are kept in the heap (default RESIDENT_MAX_BYTES; 0: none, every
 * batch copies its rows). For tests; returns the previous limit.
 */
export function setResidentPixelLimit(bytes: number): number {
  const previous = residentMax;
  residentMax = bytes;
  return previous;
}

/** `bytes` in this backend's heap (copied there on first use), or null when too large or no memory is left. */
function residentIn(simd: SimdKernels, memory: HostMemory, probe: tf.TensorInfo, bytes: PixelBytes, period: number): Resident | null {
  if (bytes.values.length > residentMax) return null;
  const known = residents.get(bytes);
  // A copy in another backend's heap (a new wasm backend) is left to that heap's fate.
  if (known?.simd === simd) return known;
  const ptr = simd.malloc(period * 8 + bytes.values.length);
  if (!ptr) return null;
  // Views after the allocation: it can grow the heap and detach older ones.
  const heap = memory.view(probe).buffer;
  writePattern(heap, ptr, bytes, period);
  new Uint8Array(heap, ptr + period * 8, bytes.values.length).set(bytes.values);
  const resident = { simd, ptr };
  residents.set(bytes, resident);
  freeOnCollect.register(bytes, { simd: new WeakRef(simd), ptr }, resident);
  return resident;
}

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
  const period = periodOf(bytes);
  const info = memory.alloc([size, ...shape], 'float32');
  const tensor = tf.engine().makeTensorFromTensorInfo(info);
  let scratch = 0;
  try {
    const resident = residentIn(simd, memory, info, bytes, period);
    // The row indices, or (not resident) the pattern and the batch's rows.
    scratch = simd.malloc(resident ? size * 4 : period * 8 + size * sampleSize);
    if (!scratch) {
      tensor.dispose();
      return null;
    }
    const out = memory.view(info);
    if (resident) {
      new Int32Array(out.buffer, scratch, size).set(order.subarray(start, start + size));
      const base = resident.ptr + period * 8;
      simd.gatherBytesToFloats(base, scratch, size, sampleSize, out.byteOffset, resident.ptr, period);
    } else {
      writePattern(out.buffer, scratch, bytes, period);
      const heap = new Uint8Array(out.buffer);
      const rows = scratch + period * 8;
      const { values } = bytes;
      for (let b = 0; b < size; b++) {
        const i = order[start + b]!;
        heap.set(values.subarray(i * sampleSize, (i + 1) * sampleSize), rows + b * sampleSize);
      }
      simd.bytesToFloats(rows, out.byteOffset, size * sampleSize, scratch, period);
    }
  } catch (err) {
    tensor.dispose();
    throw err;
  } finally {
    if (scratch) simd.free(scratch);
  }
  markBackground(info, bytes, simd, memory, sampleSize);
  return tensor;
}
