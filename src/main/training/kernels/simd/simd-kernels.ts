/**
 * The SIMD kernels of kernels.wat (dense layers, SGD's update), instantiated once per wasm
 * backend on that backend's own heap (tfjs-wasm's WebAssembly.Memory is imported), so they
 * read and write tensors where they live. Pointers are byte addresses in that heap
 * (host-memory.ts's views give them). Where that cannot be — no WebAssembly SIMD, a
 * tfjs-wasm build that hides its memory — there are none, with the reason, and the engine
 * keeps TensorFlow.js's ops.
 */
import * as tf from '@tensorflow/tfjs';
import { registerHostKernel } from '../host-kernel';
import type { HostMemory } from '../host-memory';
import { WASM_BASE64 } from './kernels-wasm';

export interface SimdKernels {
  /** c[m, n] = act(a[m, k] · b[k, n] + bias[n]); bias 0 for none; relu 1 for max(·, 0). */
  gemmNN(a: number, b: number, bias: number, c: number, m: number, k: number, n: number, relu: number): void;
  /** c[p, n] = a[m, p]ᵀ · b[m, n]. */
  gemmTN(a: number, b: number, c: number, m: number, p: number, n: number): void;
  /** out = dy where y > 0, else 0 (NaN in y stays NaN), over `len` floats. */
  reluGrad(dy: number, y: number, out: number, len: number): void;
  /** out[n] = the column sums of a[m, n]. */
  colSums(a: number, out: number, m: number, n: number): void;
  /** out[cols, rows] = a[rows, cols]ᵀ. */
  transpose(a: number, out: number, rows: number, cols: number): void;
  /** out = p − lr · (g + wd · p) over `len` floats (p − lr · g when wd = 0). */
  sgdStep(p: number, g: number, out: number, len: number, lr: number, wd: number): void;
}

export type SimdKernelsStatus = { simd: SimdKernels; reason: null } | { simd: null; reason: string };

/** The part of the wasm backend read here: tfjs-wasm 4.22's Emscripten module keeps its memory at `asm.memory`. */
interface WasmBackendShape {
  wasm?: { asm?: { memory?: unknown } };
}

let compiled: WebAssembly.Module | string | undefined;
const statuses = new WeakMap<object, SimdKernelsStatus>();
let enabled = true;

function compile(): WebAssembly.Module | string {
  const bytes = Uint8Array.from(atob(WASM_BASE64), (c) => c.charCodeAt(0));
  if (!WebAssembly.validate(bytes)) return 'this WebAssembly engine has no SIMD';
  return new WebAssembly.Module(bytes);
}

function instantiate(backend: object): SimdKernelsStatus {
  compiled ??= compile();
  if (typeof compiled === 'string') return { simd: null, reason: compiled };
  const memory = (backend as WasmBackendShape).wasm?.asm?.memory;
  if (!(memory instanceof WebAssembly.Memory)) return { simd: null, reason: 'the wasm backend does not expose its memory' };
  try {
    const e = new WebAssembly.Instance(compiled, { env: { memory } }).exports as Record<string, (...args: number[]) => void>;
    return {
      simd: {
        gemmNN: e.gemm_nn!,
        gemmTN: e.gemm_tn!,
        reluGrad: e.relu_grad!,
        colSums: e.col_sums!,
        transpose: e.transpose!,
        sgdStep: e.sgd_step!,
      },
      reason: null,
    };
  } catch (err) {
    return { simd: null, reason: `the kernels cannot share the wasm backend's memory (${(err as Error).message})` };
  }
}

/** The kernels on wasm backend instance `backend` (instantiated on first use), or why there are none. */
export function simdKernelsStatus(backend: object): SimdKernelsStatus {
  let status = statuses.get(backend);
  if (!status) statuses.set(backend, (status = instantiate(backend)));
  return status;
}

/** The kernels for `backend` when they exist and are switched on; null otherwise. */
export function simdKernelsFor(backend: object): SimdKernels | null {
  return enabled ? simdKernelsStatus(backend).simd : null;
}

/**
 * Switches the SIMD kernels on (the default) or off, for comparing them with
 * TensorFlow.js's ops in one process (tests, the benchmark). Returns the previous setting.
 */
export function setSimdKernels(on: boolean): boolean {
  const previous = enabled;
  enabled = on;
  return previous;
}

/** The kernels when the active backend has them and every tensor is float32; null otherwise. */
export function activeSimdKernels(tensors: readonly tf.TensorInfo[]): SimdKernels | null {
  if (tf.getBackend() !== 'wasm' || tensors.some((t) => t.dtype !== 'float32')) return null;
  return simdKernelsFor(tf.backend());
}

/** A tfjs kernel built on the SIMD kernels; `at` gives a tensor's address in the heap. */
export type SimdKernelFunc = (
  simd: SimdKernels,
  memory: HostMemory,
  at: (t: tf.TensorInfo) => number,
  inputs: Record<string, tf.TensorInfo>,
  attrs: Record<string, unknown>,
) => tf.TensorInfo | tf.TensorInfo[];

/** Registers `kernelName` on wasm, running `func` with the backend's SIMD kernels (callers check activeSimdKernels first). */
export function registerSimdKernel(kernelName: string, func: SimdKernelFunc): void {
  registerHostKernel(
    kernelName,
    (memory, inputs, attrs, backend) => {
      const simd = simdKernelsFor(backend);
      if (!simd) throw new Error(`${kernelName}: the SIMD kernels are not available on this backend`);
      return func(simd, memory, (t) => memory.view(t).byteOffset, inputs, attrs);
    },
    ['wasm'],
  );
}
