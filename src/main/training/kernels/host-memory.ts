/**
 * Direct access to tensor memory on the backends that keep it on the host — wasm's heap
 * and cpu's typed arrays — so host kernels compute into their outputs and the DataLoader
 * gathers batches into new tensors without a detour through a JS buffer. Other backends
 * (tensorflow on a GPU) have none: null.
 */
import * as tf from '@tensorflow/tfjs';

export type HostArray = Float32Array | Int32Array | Uint8Array;

export interface HostMemory {
  /** A new tensor's storage; on wasm it is not zeroed, so write every element. */
  alloc(shape: number[], dtype: 'float32' | 'int32'): tf.TensorInfo;
  /**
   * A tensor's values in place. On wasm an allocation can grow the heap and detach every
   * view taken before it: allocate first, then take views.
   */
  view(t: tf.TensorInfo): HostArray;
  /** Frees storage from `alloc` that never became a tensor (a kernel's scratch). */
  release(t: tf.TensorInfo): void;
}

/** The parts of the wasm and cpu backends used here (tfjs 4.22; checked in their sources). */
interface WasmBackend {
  typedArrayFromHeap(t: tf.TensorInfo): HostArray;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}
interface CpuBackend {
  data: { get(dataId: object): { values: HostArray } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: HostArray): tf.TensorInfo;
  disposeData(dataId: object, force?: boolean): boolean;
}

const size = (shape: readonly number[]): number => shape.reduce((n, d) => n * d, 1);

const MAKERS: Record<string, (backend: unknown) => HostMemory> = {
  wasm: (b) => {
    const wasm = b as WasmBackend;
    return {
      alloc: (shape, dtype) => wasm.makeOutput(shape, dtype),
      view: (t) => wasm.typedArrayFromHeap(t),
      release: (t) => void wasm.disposeData(t.dataId, true),
    };
  },
  cpu: (b) => {
    const cpu = b as CpuBackend;
    return {
      alloc: (shape, dtype) =>
        cpu.makeTensorInfo(shape, dtype, dtype === 'int32' ? new Int32Array(size(shape)) : new Float32Array(size(shape))),
      view: (t) => cpu.data.get(t.dataId).values,
      release: (t) => void cpu.disposeData(t.dataId, true),
    };
  },
};

/** Backend names with host memory. */
export const HOST_BACKENDS: readonly string[] = Object.keys(MAKERS);

const cache = new WeakMap<object, HostMemory>();

/** The host memory of backend instance `backend` registered as `name`; null when it has none. */
export function hostMemoryOf(name: string, backend: unknown): HostMemory | null {
  const make = MAKERS[name];
  if (!make || typeof backend !== 'object' || backend === null) return null;
  let memory = cache.get(backend);
  if (!memory) cache.set(backend, (memory = make(backend)));
  return memory;
}

/** The active backend's host memory, or null. */
export function activeHostMemory(): HostMemory | null {
  return HOST_BACKENDS.includes(tf.getBackend()) ? hostMemoryOf(tf.getBackend(), tf.backend()) : null;
}

/**
 * A live tensor's values in place when the active backend keeps them in host memory (wasm,
 * cpu) — reading them is a memory read, not a device sync; null on other backends. Read at
 * once: a later allocation can detach a wasm view.
 */
export function hostValues(t: tf.TensorInfo): HostArray | null {
  return activeHostMemory()?.view(t) ?? null;
}

/**
 * A new tensor whose values `fill` writes: straight into its own memory where the active
 * backend keeps tensors on the host (no second copy), else into a fresh array that
 * tf.tensor takes. `fill` must write every element (wasm's memory is not zeroed).
 */
export function filledTensor<D extends 'float32' | 'int32'>(
  shape: number[],
  dtype: D,
  fill: (target: D extends 'int32' ? Int32Array : Float32Array) => void,
): tf.Tensor {
  type Target = D extends 'int32' ? Int32Array : Float32Array;
  const memory = activeHostMemory();
  if (!memory) {
    const target = (dtype === 'int32' ? new Int32Array(size(shape)) : new Float32Array(size(shape))) as Target;
    fill(target);
    return tf.tensor(target, shape, dtype);
  }
  const info = memory.alloc(shape, dtype);
  const tensor = tf.engine().makeTensorFromTensorInfo(info);
  try {
    // The view is taken after the allocation: on wasm a heap that grows detaches earlier views.
    fill(memory.view(info) as Target);
  } catch (err) {
    tensor.dispose();
    throw err;
  }
  return tensor;
}
