/**
 * The compiled kernels.wat build this engine runs: with fused multiply-add (relaxed SIMD's
 * f32x4.relaxed_madd) where the WebAssembly engine has it, else with a multiply and an add;
 * for an unshared or a shared memory. Node 20's V8 has relaxed SIMD behind a flag (Electron
 * and newer Node ship it on): it is switched on here before the first compile, and the
 * module is used only if it then validates.
 */
import { setFlagsFromString } from 'node:v8';
import { WASM_FMA, WASM_FMA_SHARED, WASM_PLAIN, WASM_PLAIN_SHARED } from './kernels-wasm';

export interface SimdModule {
  module: WebAssembly.Module;
  /** True when the products use fused multiply-adds. */
  fma: boolean;
}

/** Node 20's V8 (11.3) implements relaxed SIMD behind this flag; V8 11.4+ ships it. */
const RELAXED_SIMD_FLAG = '--experimental-wasm-relaxed-simd';

const bytesOf = (base64: string): Uint8Array => Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));

let fmaWanted = process.env.RUNLAB_SIMD_FMA !== '0';
const cache = new Map<string, SimdModule | string>();

/** The four builds of kernels.wat (scripts/build-wasm.js). */
export const SIMD_BUILDS = { FMA: WASM_FMA, PLAIN: WASM_PLAIN, FMA_SHARED: WASM_FMA_SHARED, PLAIN_SHARED: WASM_PLAIN_SHARED } as const;

/** One build compiled (relaxed SIMD switched on first where Node needs the flag), or why it cannot be. */
export function compileSimdBuild(name: keyof typeof SIMD_BUILDS): WebAssembly.Module | string {
  const bytes = bytesOf(SIMD_BUILDS[name]);
  const valid = name.startsWith('FMA') ? relaxedSimd(bytes) : WebAssembly.validate(bytes);
  return valid ? new WebAssembly.Module(bytes) : `${name} does not validate on this WebAssembly engine`;
}

function relaxedSimd(bytes: Uint8Array): boolean {
  if (WebAssembly.validate(bytes)) return true;
  const [major] = process.versions.node.split('.').map(Number);
  if (major !== 20) return false;
  setFlagsFromString(RELAXED_SIMD_FLAG);
  return WebAssembly.validate(bytes);
}

function compile(shared: boolean): SimdModule | string {
  const fma = bytesOf(shared ? WASM_FMA_SHARED : WASM_FMA);
  if (fmaWanted && relaxedSimd(fma)) return { module: new WebAssembly.Module(fma), fma: true };
  const plain = bytesOf(shared ? WASM_PLAIN_SHARED : WASM_PLAIN);
  if (!WebAssembly.validate(plain))
    return shared ? 'this WebAssembly engine has no SIMD on shared memory' : 'this WebAssembly engine has no SIMD';
  return { module: new WebAssembly.Module(plain), fma: false };
}

/** The module for a memory that is shared or not, compiled once; or why there is none. */
export function simdModule(shared: boolean): SimdModule | string {
  const key = `${shared}:${fmaWanted}`;
  let m = cache.get(key);
  if (m === undefined) cache.set(key, (m = compile(shared)));
  return m;
}

/**
 * Whether the kernels use fused multiply-adds where the engine has them (the default; the
 * environment variable RUNLAB_SIMD_FMA=0 turns them off), for kernels instantiated after
 * this call. Returns the previous setting.
 */
export function setSimdFma(on: boolean): boolean {
  const previous = fmaWanted;
  fmaWanted = on;
  return previous;
}
