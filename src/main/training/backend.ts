/**
 * Backend selection: `tensorflow` (CUDA through @tensorflow/tfjs-node-gpu, an optional
 * dependency that is absent offline), `wasm` (ships its binary, SIMD) or `cpu` (plain JS).
 * `auto` takes the first that initialises, in that order; a named backend that cannot
 * initialise is an error saying why, never a silent swap. tf.setBackend resolves `false`
 * quietly on failure, so every switch is checked.
 */
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import { dirname, join } from 'node:path';
import { setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import type { BackendInfo } from '../../shared/api';
import type { BackendName } from '../../shared/hyperparams';
import { withSharedWasmHeap } from './kernels/simd/shared-heap';
import { simdKernelsStatus } from './kernels/simd/simd-kernels';

export type ResolvedBackend = 'tensorflow' | 'wasm' | 'cpu';

export interface ActiveBackend {
  backend: ResolvedBackend;
  /** Human-readable device, e.g. "wasm (SIMD, FMA, 2 threads)". */
  device: string;
  /** For `auto`: the backends tried before this one, and why they were passed over. */
  skipped: { name: ResolvedBackend; reason: string }[];
}

const TFJS_NODE_GPU = '@tensorflow/tfjs-node-gpu';
const AUTO_ORDER: readonly ResolvedBackend[] = ['tensorflow', 'wasm', 'cpu'];

/** A plain require, resolved at run time: bundlers must not try to resolve the optional package. */
const requireAtRuntime = createRequire(import.meta.url);

/** Loads tfjs-node-gpu (which registers the `tensorflow` backend); null, or why it cannot. */
function loadTensorflow(): string | null {
  if (tf.findBackendFactory('tensorflow')) return null;
  try {
    requireAtRuntime(TFJS_NODE_GPU);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND' && e.message.includes(TFJS_NODE_GPU)) {
      return `${TFJS_NODE_GPU} is not installed (npm install ${TFJS_NODE_GPU} needs CUDA and network access)`;
    }
    return `${TFJS_NODE_GPU} failed to load: ${e.message.split('\n')[0]} (it needs CUDA and cuDNN libraries matching its libtensorflow)`;
  }
  return tf.findBackendFactory('tensorflow') ? null : `${TFJS_NODE_GPU} loaded but registered no "tensorflow" backend`;
}

let wasmPathsSet = false;

/**
 * Points tfjs-wasm at its .wasm files in its package, once: by default it looks next to its
 * own JavaScript, which is elsewhere once the trainer is bundled (runs/trainer/trainer-bundle.ts).
 */
function locateWasmBinaries(): void {
  if (wasmPathsSet) return;
  wasmPathsSet = true;
  try {
    setWasmPaths(`${join(dirname(requireAtRuntime.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist')}/`);
  } catch {
    // Already initialised (or not resolvable): it keeps looking where it did.
  }
}

/** Why a registered backend's factory fails, found by running it (setBackend only says false). */
async function factoryFailure(name: ResolvedBackend): Promise<string> {
  const factory = tf.findBackendFactory(name);
  if (!factory) return `no "${name}" backend is registered`;
  try {
    const backend = await factory();
    backend.dispose();
    return 'initialisation failed';
  } catch (err) {
    return (err as Error).message.split('\n')[0]!;
  }
}

async function describe(name: ResolvedBackend): Promise<string> {
  switch (name) {
    case 'tensorflow':
      return `GPU via libtensorflow (${TFJS_NODE_GPU})`;
    case 'wasm': {
      const simd = (await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT')) === true;
      const kernels = simdKernelsStatus(tf.backend()).simd;
      const threads = kernels?.threads ?? 1;
      return `wasm (${simd ? 'SIMD' : 'no SIMD'}${kernels?.fma ? ', FMA' : ''}, ${threads} thread${threads === 1 ? '' : 's'})`;
    }
    case 'cpu':
      return 'cpu (plain JavaScript)';
  }
}

/** Switches to `name`; null on success, else why not. */
async function activate(name: ResolvedBackend): Promise<string | null> {
  if (name === 'tensorflow') {
    const reason = loadTensorflow();
    if (reason !== null) return reason;
  }
  if (tf.getBackend() === name) return null;
  let ok: boolean;
  if (name === 'wasm') locateWasmBinaries();
  try {
    // wasm: tfjs-wasm's threaded build where it starts, for a heap the kernels can share across threads.
    ok =
      name === 'wasm'
        ? await withSharedWasmHeap(
            () => tf.setBackend(name),
            (set) => set,
          )
        : await tf.setBackend(name);
  } catch (err) {
    return (err as Error).message;
  }
  if (!ok) return await factoryFailure(name);
  await tf.ready();
  return null;
}

/**
 * Makes `name` the active TensorFlow.js backend (`auto`: tensorflow, then wasm, then cpu).
 * Throws when a named backend — or, for auto, every backend — cannot initialise.
 */
export async function initBackend(name: BackendName): Promise<ActiveBackend> {
  // Prod mode: skips tfjs's debug checks and the cpu backend's console advice to install
  // tfjs-node, which this module already reports in its own terms.
  tf.enableProdMode();
  const candidates = name === 'auto' ? AUTO_ORDER : [name];
  const skipped: ActiveBackend['skipped'] = [];
  for (const candidate of candidates) {
    const reason = await activate(candidate);
    if (reason === null) return { backend: candidate, device: await describe(candidate), skipped };
    skipped.push({ name: candidate, reason });
  }
  throw new Error(skipped.map((s) => `${s.name} backend unavailable: ${s.reason}`).join('; '));
}

/**
 * Which backends could run here, and why not — without switching the active backend
 * (wasm is initialised on the side and disposed when it is not the active one).
 */
export async function probeBackends(): Promise<BackendInfo[]> {
  const info: BackendInfo[] = [];
  const tfReason = loadTensorflow();
  info.push({ name: 'tensorflow', available: tfReason === null, reason: tfReason });
  let wasmReason: string | null = null;
  if (!tf.findBackend('wasm')) {
    const factory = tf.findBackendFactory('wasm');
    try {
      if (!factory) throw new Error('no "wasm" backend is registered');
      locateWasmBinaries();
      const backend = await withSharedWasmHeap(
        async () => (await factory()) as tf.KernelBackend | null,
        (b) => b !== null,
      );
      backend?.dispose();
    } catch (err) {
      wasmReason = `wasm failed to initialise: ${(err as Error).message.split('\n')[0]}`;
    }
  }
  info.push({ name: 'wasm', available: wasmReason === null, reason: wasmReason });
  info.push({ name: 'cpu', available: true, reason: null });
  return info;
}
