/**
 * A shared heap for tfjs-wasm under Node, so Runlab's kernels can run on several threads
 * over the tensors where they live (kernel-threads.ts). tfjs-wasm 4.22 turns its threaded
 * build off under Node (tfjs issue #3830: its Emscripten pthread workers are loaded from
 * blob: URLs, which Node's workers cannot load). That build is what has a shared
 * WebAssembly.Memory, though, and it runs fine on one thread: XNNPACK with a thread count
 * of 1 starts no pthreads. So the wasm backend is initialised with the threaded build, one
 * tfjs thread, and inert stand-ins for the 8 pthread workers Emscripten pre-allocates (they
 * answer its "load" with "loaded" and never run anything). Where that fails the backend is
 * initialised again with the ordinary build: one thread, as before.
 */
import { EventEmitter } from 'node:events';
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount } from '@tensorflow/tfjs-backend-wasm';

/** An Emscripten pthread worker that never runs a thread: enough for its start-up handshake. */
class InertPthreadWorker extends EventEmitter {
  postMessage(message: unknown): void {
    if (typeof message === 'object' && message !== null && (message as { cmd?: unknown }).cmd === 'load') {
      setImmediate(() => this.emit('message', { cmd: 'loaded' }));
    }
  }
  unref(): void {}
  ref(): void {}
  terminate(): Promise<number> {
    return Promise.resolve(0);
  }
}

let wanted = process.env.RUNLAB_SHARED_HEAP !== '0';

/**
 * Runs `init` (which initialises the wasm backend) with tfjs-wasm's threaded build on one
 * thread, Emscripten's `Worker` replaced by the inert stand-in meanwhile; if that fails,
 * runs it again with the ordinary build. Returns init's result.
 */
export async function withSharedWasmHeap<T>(init: () => Promise<T>, ok: (result: T) => boolean): Promise<T> {
  if (!wanted) {
    tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    return init();
  }
  const g = globalThis as { Worker?: unknown };
  const had = Object.getOwnPropertyDescriptor(g, 'Worker');
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', true);
  setThreadsCount(1);
  // Emscripten assigns `global.Worker = worker_threads.Worker` and then constructs its
  // pool from the global: the setter keeps the stand-in in place.
  Object.defineProperty(g, 'Worker', { configurable: true, get: () => InertPthreadWorker, set: () => {} });
  let result: { value: T } | null = null;
  try {
    result = { value: await init() };
  } catch {
    // retried below with the ordinary build, whose error (if any) is the one reported
  } finally {
    if (had) Object.defineProperty(g, 'Worker', had);
    else delete g.Worker;
  }
  if (result && ok(result.value)) return result.value;
  tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
  return init();
}

/**
 * Whether the next wasm backend gets the shared heap (the default; RUNLAB_SHARED_HEAP=0
 * turns it off). Returns the previous setting.
 */
export function setSharedWasmHeap(on: boolean): boolean {
  const previous = wanted;
  wanted = on;
  return previous;
}

/**
 * A wasm backend's heap: tfjs-wasm 4.22's Emscripten module keeps it at `wasmMemory` in the
 * threaded build and at `asm.memory` in the ordinary one. null for other backends.
 */
export function wasmHeap(backend: object): WebAssembly.Memory | null {
  const wasm = (backend as { wasm?: { wasmMemory?: unknown; asm?: { memory?: unknown } } }).wasm;
  const memory = wasm?.wasmMemory ?? wasm?.asm?.memory;
  return memory instanceof WebAssembly.Memory ? memory : null;
}

/** True when a wasm backend's heap is shared (threads can run kernels on it). */
export function wasmHeapShared(backend: object): boolean {
  return wasmHeap(backend)?.buffer instanceof SharedArrayBuffer;
}
