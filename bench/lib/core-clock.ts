/**
 * The clock a core runs at now, measured: a WebAssembly loop of dependent integer adds and
 * xors (one cycle each on any x86-64 or ARM core of the last decade) timed against the wall
 * clock. A VM's /proc/cpuinfo gives the nominal clock, not the boost the core runs at, and
 * the peak GFLOP/s a measured rate is set against needs the real one.
 */
import createWabt from 'wabt';

const WAT = `(module
  (func (export "chain") (param $n i32) (param $k i32) (result i32)
    (local $x i32)
    (loop $l
      ${'(local.set $x (i32.xor (i32.add (local.get $x) (local.get $n)) (local.get $k)))\n      '.repeat(16)}
      (br_if $l (local.tee $n (i32.sub (local.get $n) (i32.const 1)))))
    (local.get $x)))`;

/** Dependent one-cycle operations per loop iteration (16 adds and 16 xors). */
const OPS_PER_ITERATION = 32;

/** GHz of the fastest of `rounds` timed runs (other work only slows one down). */
export async function measureCoreGhz(rounds = 5, iterations = 20_000_000): Promise<number> {
  const wabt = await createWabt();
  const parsed = wabt.parseWat('clock.wat', WAT);
  const bytes = new Uint8Array(parsed.toBinary({}).buffer);
  parsed.destroy();
  const chain = new WebAssembly.Instance(new WebAssembly.Module(bytes), {}).exports.chain as (n: number, k: number) => number;
  chain(100_000, 3); // compiled by the optimizing tier before timing
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    chain(iterations, r + 3);
    best = Math.min(best, performance.now() - t);
  }
  return (iterations * OPS_PER_ITERATION) / (best * 1e6);
}

/** Single-precision flops per cycle a core can issue: two FMA pipes × lanes × 2. */
export const FLOPS_PER_CYCLE = {
  /** WebAssembly's 128-bit SIMD: 4 lanes (with fused multiply-add; without, the multiply and add pipes give the same). */
  wasmSimd128: 2 * 4 * 2,
  /** AVX2 (what Debian's PyTorch reports using): 8 lanes. */
  avx2: 2 * 8 * 2,
} as const;
