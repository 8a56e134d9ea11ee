/**
 * Kernels of our own for the backends whose tensors live in host memory (wasm's heap, cpu's
 * typed arrays). A chain of tiny ops — a loss on [64, 10] logits is 14 kernels — costs far
 * more in per-kernel dispatch than in arithmetic there; one JS kernel that reads its inputs
 * and writes its outputs in a single pass does the same math in a fraction of the time.
 * Other backends (tensorflow on a GPU) keep the composite ops: they return null here.
 */
import * as tf from '@tensorflow/tfjs';

type HostArray = Float32Array | Int32Array | Uint8Array;

/**
 * How a kernel reaches tensor memory. `alloc` makes an output; `read` gives the values of an
 * input or output in place. On wasm an allocation can grow the heap and detach every view
 * taken before it, so a kernel allocates its outputs first and only then takes its views —
 * it writes straight into the outputs, with no JS-side buffer and no copy.
 */
interface HostIO {
  alloc(shape: number[], dtype: 'float32'): tf.TensorInfo;
  read(t: tf.TensorInfo): HostArray;
}

/** The parts of the wasm and cpu backends a host kernel uses (tfjs 4.22; checked in their sources). */
interface WasmBackend {
  typedArrayFromHeap(t: tf.TensorInfo): HostArray;
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}
interface CpuBackend {
  data: { get(dataId: object): { values: HostArray } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values: Float32Array): tf.TensorInfo;
}

const IO: Record<HostBackend, (backend: unknown) => HostIO> = {
  wasm: (b) => ({
    alloc: (shape, dtype) => (b as WasmBackend).makeOutput(shape, dtype),
    read: (t) => (b as WasmBackend).typedArrayFromHeap(t),
  }),
  cpu: (b) => ({
    alloc: (shape, dtype) => (b as CpuBackend).makeTensorInfo(shape, dtype, new Float32Array(shape.reduce((n, d) => n * d, 1))),
    read: (t) => (b as CpuBackend).data.get(t.dataId).values,
  }),
};

export type HostBackend = 'wasm' | 'cpu';
const HOST_BACKENDS: readonly HostBackend[] = ['wasm', 'cpu'];

/** A host kernel: its inputs and attributes in, its outputs out. */
export type HostKernelFunc = (io: HostIO, inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>) => tf.TensorInfo | tf.TensorInfo[];

/** Registers `kernelName` on every host backend (once, however often a module is loaded). */
export function registerHostKernel(kernelName: string, func: HostKernelFunc): void {
  for (const backendName of HOST_BACKENDS) {
    if (tf.getKernel(kernelName, backendName)) continue;
    tf.registerKernel({
      kernelName,
      backendName,
      kernelFunc: ({ inputs, backend, attrs }) =>
        func(IO[backendName](backend), inputs as Record<string, tf.TensorInfo>, (attrs ?? {}) as Record<string, unknown>),
    });
  }
}

/** True when the active backend runs host kernels. */
export function onHostBackend(): boolean {
  return (HOST_BACKENDS as readonly string[]).includes(tf.getBackend());
}

/** Runs a registered host kernel; the caller owns the returned tensors. */
export function runHostKernel(kernelName: string, inputs: Record<string, tf.Tensor>, attrs: Record<string, unknown> = {}): tf.Tensor[] {
  const out = tf.engine().runKernel(kernelName, inputs as unknown as tf.NamedTensorMap, attrs as tf.NamedAttrMap) as tf.Tensor | tf.Tensor[];
  return Array.isArray(out) ? out : [out];
}
