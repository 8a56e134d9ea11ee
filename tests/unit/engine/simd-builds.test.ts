/**
 * The four builds of kernels.wat (fused multiply-add or not, unshared or shared memory),
 * each instantiated on a memory of its own: the products and the convolution kernels
 * equal a float64 reference in every build; the two arithmetic builds agree to float
 * tolerance; a kernel split into chunks computes the same bits as in one call, whatever the
 * number of chunks (what lets threads share a call without changing results); and the
 * no-FMA rewrite of the source is the multiply and add it stands for.
 */
import { describe, expect, it } from 'vitest';
import { withoutFma } from '../../../scripts/build-wasm.js';
import { compileSimdBuild, SIMD_BUILDS } from '../../../src/main/training/kernels/simd/simd-module';
import { convBackwardReference, convForwardReference, outputSize, seeded, type ConvCase } from './conv-reference';

type Exports = Record<string, (...args: number[]) => void>;

/** A build on its own memory, with a bump allocator for float32 arrays. */
function instance(name: keyof typeof SIMD_BUILDS) {
  const module = compileSimdBuild(name);
  if (typeof module === 'string') throw new Error(module);
  const shared = name.endsWith('SHARED');
  const memory = new WebAssembly.Memory(shared ? { initial: 512, maximum: 65536, shared: true } : { initial: 512 });
  const e = new WebAssembly.Instance(module, { env: { memory } }).exports as Exports;
  let top = 64;
  const alloc = (values: ArrayLike<number> | number): number => {
    const n = typeof values === 'number' ? values : values.length;
    const at = top;
    top += Math.ceil((n * 4) / 64) * 64 + 64;
    if (typeof values !== 'number') new Float32Array(memory.buffer, at, n).set(values);
    return at;
  };
  const read = (at: number, n: number): Float32Array => new Float32Array(memory.buffer, at, n).slice();
  const spoil = (at: number, n: number): void => void new Float32Array(memory.buffer, at, n).fill(NaN);
  return { e, alloc, read, spoil, reset: () => (top = 64) };
}

function worst(got: Float32Array, want: ArrayLike<number>, scale: number): number {
  expect(got.length).toBe(want.length);
  let w = 0;
  for (let i = 0; i < got.length; i++) w = Math.max(w, Math.abs(got[i]! - want[i]!) / scale);
  return w;
}

/**
 * A 'same' convolution through the raw kernels: pad, window table, forward, filter and input
 * gradients; the filter gradient in blocks of `dwBlock` pixels when it is not 0 (its
 * scratch filled with NaN first, so a sum that read it before writing would show).
 */
function convThroughKernels(k: ReturnType<typeof instance>, c: ConvCase, chunks: number, dwBlock = 0) {
  const { images: n, size: h, channels: ch, kernel: kk, filters: o, stride: s } = c;
  const out = outputSize(c);
  const total = Math.max((out - 1) * s + kk - h, 0);
  const before = Math.floor(total / 2);
  const hp = (out - 1) * s + kk;
  const m = n * out * out;
  const l = kk * ch;
  const K = kk * l;
  const x = seeded(n * h * h * ch, 1);
  const f = seeded(K * o, 2);
  const b = seeded(o, 3);
  const dy = seeded(m * o, 4);
  k.reset();
  const [px, pf, pb, pdy] = [x, f, b, dy].map(k.alloc) as [number, number, number, number];
  const [xp, y, table, dw, wt, dxp, dx, cols] = [n * hp * hp * ch, m * o, m, K * o, K * o, n * hp * hp * ch, n * h * h * ch, m * K].map(
    (size) => k.alloc(size),
  ) as number[];
  const rowBytes = hp * ch * 4;
  const parts = (fn: string, args: number[]): void => {
    for (let p = 0; p < chunks; p++) k.e[fn]!(...args, p, chunks);
  };
  parts('pad_nhwc', [px, xp!, n, h, h, ch, hp, hp, before, before]);
  k.e.conv_rows!(table!, n, out, out, hp, hp, ch, s);
  parts('conv_fwd', [xp!, table!, pf!, pb!, y!, m, kk, l, rowBytes, o, 0]);
  const scratchFloats = Math.ceil(K / 4) * Math.ceil(o / 8) * 32;
  const scratch = dwBlock ? k.alloc(scratchFloats) : 0;
  if (scratch) k.spoil(scratch, scratchFloats);
  parts('conv_dw', [xp!, table!, pdy!, dw!, m, kk, l, rowBytes, o, scratch, dwBlock]);
  k.e.transpose!(pf!, wt!, K, o);
  if (l % 8 === 0) parts('conv_dx', [pdy!, wt!, dxp!, table!, n, out * out, hp * hp * ch * 4, kk, l, rowBytes, o]);
  else {
    parts('gemm_nn', [pdy!, wt!, 0, cols!, m, o, K, 0]);
    parts('col2im', [cols!, dxp!, table!, n, out * out, hp * hp * ch * 4, kk, l, rowBytes]);
  }
  parts('unpad_nhwc', [dxp!, dx!, n, h, h, ch, hp, hp, before, before]);
  return {
    inputs: { x, f, b, dy },
    y: k.read(y!, m * o),
    dw: k.read(dw!, K * o),
    dx: k.read(dx!, n * h * h * ch),
  };
}

const CONV_CASES: ConvCase[] = [
  { images: 4, size: 28, channels: 1, kernel: 3, filters: 8, stride: 2 },
  { images: 3, size: 14, channels: 8, kernel: 3, filters: 16, stride: 2 },
  { images: 2, size: 7, channels: 16, kernel: 3, filters: 12, stride: 1 },
  { images: 3, size: 10, channels: 3, kernel: 5, filters: 9, stride: 2 },
];

/** [m, k, n] for the products: tiles, ragged edges and shapes narrower than a tile. */
const GEMM_SHAPES: [number, number, number][] = [
  [64, 784, 50],
  [13, 17, 11],
  [3, 5, 7],
  [9, 1, 16],
];

describe.each(Object.keys(SIMD_BUILDS) as (keyof typeof SIMD_BUILDS)[])('the %s build', (name) => {
  it('gemm_nn (with bias and relu) and gemm_tn equal the float64 reference, in one call or in 3 chunks', () => {
    const k = instance(name);
    for (const [m, kk, n] of GEMM_SHAPES) {
      k.reset();
      const a = seeded(m * kk, 1);
      const b = seeded(kk * n, 2);
      const bias = seeded(n, 3);
      const g = seeded(m * n, 4);
      const [pa, pb, pbias, pg] = [a, b, bias, g].map(k.alloc) as number[];
      const [c, dw] = [m * n, kk * n].map((s) => k.alloc(s)) as number[];
      const want = new Float64Array(m * n).map((_, i) => {
        const [r, col] = [Math.floor(i / n), i % n];
        let sum = bias[col]!;
        for (let j = 0; j < kk; j++) sum += a[r * kk + j]! * b[j * n + col]!;
        return Math.max(sum, 0);
      });
      const wantTn = new Float64Array(kk * n).map((_, i) => {
        const [r, col] = [Math.floor(i / n), i % n];
        let sum = 0;
        for (let j = 0; j < m; j++) sum += a[j * kk + r]! * g[j * n + col]!;
        return sum;
      });
      k.e.gemm_nn!(pa!, pb!, pbias!, c!, m, kk, n, 1, 0, 1);
      k.e.gemm_tn!(pa!, pg!, dw!, m, kk, n, 0, 1);
      const whole = [k.read(c!, m * n), k.read(dw!, kk * n)];
      expect(worst(whole[0]!, want, Math.sqrt(kk))).toBeLessThan(5e-6);
      expect(worst(whole[1]!, wantTn, Math.sqrt(m))).toBeLessThan(5e-6);
      for (let p = 0; p < 3; p++) k.e.gemm_nn!(pa!, pb!, pbias!, c!, m, kk, n, 1, p, 3);
      for (let p = 0; p < 3; p++) k.e.gemm_tn!(pa!, pg!, dw!, m, kk, n, p, 3);
      expect(k.read(c!, m * n)).toEqual(whole[0]);
      expect(k.read(dw!, kk * n)).toEqual(whole[1]);
    }
  });

  it("dw_split shares a filter gradient's rows in whole tiles: every part with rows has at least 4 (k ≥ 4), none overlap", () => {
    const split = instance(name).e.dw_split as unknown as (k: number, part: number, parts: number) => number;
    for (let k = 1; k <= 80; k++) {
      for (let parts = 1; parts <= 16; parts++) {
        const bounds = Array.from({ length: parts + 1 }, (_, p) => split(k, p, parts));
        expect(bounds[0]).toBe(0);
        expect(bounds[parts]).toBe(k);
        for (let p = 0; p < parts; p++) {
          const rows = bounds[p + 1]! - bounds[p]!;
          expect(rows).toBeGreaterThanOrEqual(0);
          if (rows > 0 && k >= 4) expect(rows).toBeGreaterThanOrEqual(4);
          if (p > 0 && bounds[p]! < k) expect(bounds[p]! % 4).toBe(0);
        }
      }
    }
    // 3×3 filters over RGB (27 rows) in 6 parts: the last part used to get 3 rows, now 7 (20–27).
    expect(Array.from({ length: 7 }, (_, p) => split(27, p, 6))).toEqual([0, 4, 8, 12, 20, 20, 27]);
  });

  it("relu_grad_sums masks dy by relu's output and sums its columns in row order, in float32: 8, 4 and single columns, -0 and NaN kept", () => {
    const k = instance(name);
    for (const [m, n] of [
      [64, 8],
      [37, 16],
      [5, 13],
      [9, 4],
      [3, 1],
      [64, 50],
    ] as const) {
      k.reset();
      const dy = seeded(m * n, 6);
      const y = seeded(m * n, 7);
      y[1] = NaN;
      y[2] = 0;
      // As dy · step(y): dy where y > 0, y · 0 otherwise (-0 below zero, NaN for NaN).
      const want = new Float32Array(m * n).map((_, i) => (y[i]! > 0 ? dy[i]! : y[i]! * 0));
      const wantSums = new Float32Array(n);
      for (let r = 0; r < m; r++) for (let c = 0; c < n; c++) wantSums[c] = Math.fround(wantSums[c]! + want[r * n + c]!);
      const [pdy, py] = [dy, y].map(k.alloc) as [number, number];
      const [out, sums] = [m * n, n].map((size) => k.alloc(size)) as [number, number];
      k.spoil(out, m * n);
      k.spoil(sums, n);
      k.e.relu_grad_sums!(pdy, py, out, sums, m, n);
      // Object.is: NaN equals NaN, and -0 is not 0.
      const same = (got: Float32Array, expected: Float32Array): boolean => got.every((v, i) => Object.is(v, expected[i]));
      expect(same(k.read(out, m * n), want)).toBe(true);
      expect(same(k.read(sums, n), wantSums)).toBe(true);
      expect(k.read(out, m * n)[2]).toBe(0);
      expect(Number.isNaN(k.read(sums, n)[1 % n])).toBe(true); // the column y[1] (NaN) falls in
    }
  });

  it('relu_grad_blocks masks as relu_grad_sums, and sums block by block (each block in row order), the same bits in 1, 2 or 5 chunks', () => {
    const k = instance(name);
    // Blocks of 7 rows: 30 rows is 4 full blocks and a ragged one of 2; 7 rows is one block.
    for (const [m, n, block] of [
      [30, 13, 7],
      [7, 8, 7],
      [64, 16, 16],
    ] as const) {
      k.reset();
      const dy = seeded(m * n, 8);
      const y = seeded(m * n, 9);
      const blocks = Math.ceil(m / block);
      const [pdy, py] = [dy, y].map(k.alloc) as [number, number];
      const [out, sums, whole, wholeSums] = [m * n, n, m * n, n].map((size) => k.alloc(size)) as number[];
      const partials = k.alloc(blocks * n);
      k.e.relu_grad_sums!(pdy, py, whole!, wholeSums!, m, n);
      const masked = k.read(whole!, m * n);
      // Each block's column sums in row order, then the blocks' sums in block order, in float32.
      const want = new Float32Array(n);
      for (let b = 0; b < blocks; b++) {
        const part = new Float32Array(n);
        for (let r = b * block; r < Math.min(m, (b + 1) * block); r++)
          for (let c = 0; c < n; c++) part[c] = Math.fround(part[c]! + masked[r * n + c]!);
        for (let c = 0; c < n; c++) want[c] = Math.fround(want[c]! + part[c]!);
      }
      for (const chunks of [1, 2, 5]) {
        k.spoil(out!, m * n);
        k.spoil(sums!, n);
        k.spoil(partials, blocks * n);
        for (let p = 0; p < chunks; p++) k.e.relu_grad_blocks!(pdy, py, out!, partials, m, n, block, p, chunks);
        k.e.col_sums!(partials, sums!, blocks, n);
        expect(k.read(out!, m * n)).toEqual(masked);
        expect(k.read(sums!, n)).toEqual(want);
      }
    }
  });

  it('conv_dw_pixels sums each block of pixels as conv_dw on that block alone, and col_sums the blocks in order: the same bits in 1, 2 or 5 chunks', () => {
    const k = instance(name);
    // Blocks of 52 pixels: 784 is 15 full blocks and a ragged one of 4; 147 in 40s, 3 and 27.
    for (const [c, pixels] of [
      [CONV_CASES[0]!, 52],
      [CONV_CASES[1]!, 40],
    ] as const) {
      const { images: n, size: h, channels: ch, kernel: kk, filters: o, stride: s } = c;
      const out = outputSize(c);
      const hp = (out - 1) * s + kk;
      const before = Math.floor(Math.max((out - 1) * s + kk - h, 0) / 2);
      const [m, l] = [n * out * out, kk * ch];
      const K = kk * l;
      const rowBytes = hp * ch * 4;
      const blocks = Math.ceil(m / pixels);
      k.reset();
      const [px, pg] = [seeded(n * h * h * ch, 1), seeded(m * o, 4)].map(k.alloc) as [number, number];
      const [xp, table, dw, whole, one, partials] = [n * hp * hp * ch, m, K * o, K * o, K * o, blocks * K * o].map((size) =>
        k.alloc(size),
      ) as number[];
      k.e.pad_nhwc!(px, xp!, n, h, h, ch, hp, hp, before, before, 0, 1);
      k.e.conv_rows!(table!, n, out, out, hp, hp, ch, s);
      k.e.conv_dw!(xp!, table!, pg, whole!, m, kk, l, rowBytes, o, 0, 0, 0, 1);
      // Each block through conv_dw on its own pixels, then the blocks added in order, in float32.
      const want = new Float32Array(K * o);
      for (let b = 0; b < blocks; b++) {
        const p0 = b * pixels;
        k.e.conv_dw!(xp!, table! + 4 * p0, pg + 4 * p0 * o, one!, Math.min(pixels, m - p0), kk, l, rowBytes, o, 0, 0, 0, 1);
        const part = k.read(one!, K * o);
        for (let i = 0; i < K * o; i++) want[i] = Math.fround(want[i]! + part[i]!);
      }
      expect(worst(want, k.read(whole!, K * o), Math.sqrt(m))).toBeLessThan(5e-6);
      for (const chunks of [1, 2, 5]) {
        k.spoil(partials!, blocks * K * o);
        k.spoil(dw!, K * o);
        for (let p = 0; p < chunks; p++) k.e.conv_dw_pixels!(xp!, table!, pg, partials!, m, kk, l, rowBytes, o, pixels, p, chunks);
        k.e.col_sums!(partials!, dw!, blocks, K * o);
        expect(k.read(dw!, K * o)).toEqual(want);
      }
    }
  });

  it('gemm_nn_packed and gemm_tn_packed on pack_panels compute the plain products to the bit, in 1, 3 or 16 chunks (tails of 1–2 rows)', () => {
    const k = instance(name);
    // Ragged panels (n not a multiple of 8), rows not a multiple of 4, and two blocks of rows each
    // (k = 1100: 28 rows of a a block for gemm_nn; m = 41: 796 columns of a for gemm_tn).
    for (const [m, kk, n] of [
      [70, 33, 100],
      [41, 1100, 40],
      [66, 12, 8],
    ] as [number, number, number][]) {
      k.reset();
      const a = seeded(m * kk, 1);
      const [pa, pb, pbias, pg] = [a, seeded(kk * n, 2), seeded(n, 3), seeded(m * n, 4)].map(k.alloc) as number[];
      const [c, dw, bp] = [m * n, kk * n, Math.ceil(n / 8) * Math.max(m, kk) * 8].map((size) => k.alloc(size)) as number[];
      k.e.gemm_nn!(pa!, pb!, pbias!, c!, m, kk, n, 1, 0, 1);
      k.e.gemm_tn!(pa!, pg!, dw!, m, kk, n, 0, 1);
      const plain = [k.read(c!, m * n), k.read(dw!, kk * n)];
      for (const chunks of [1, 3, 16]) {
        k.spoil(c!, m * n);
        k.spoil(dw!, kk * n);
        k.e.pack_panels!(pb!, bp!, kk, n);
        for (let p = 0; p < chunks; p++) k.e.gemm_nn_packed!(pa!, bp!, pbias!, c!, m, kk, n, 1, p, chunks);
        k.e.pack_panels!(pg!, bp!, m, n);
        for (let p = 0; p < chunks; p++) k.e.gemm_tn_packed!(pa!, bp!, dw!, m, kk, n, p, chunks);
        expect(k.read(c!, m * n)).toEqual(plain[0]);
        expect(k.read(dw!, kk * n)).toEqual(plain[1]);
      }
    }
  });

  it.each(CONV_CASES.map((c) => [`${c.images}×${c.size}²×${c.channels} k${c.kernel} → ${c.filters} s${c.stride}`, c] as const))(
    'convolution %s: forward, filter and input gradients equal the float64 reference; 1, 2 or 7 chunks, and the filter gradient in blocks of pixels, give the same bits',
    (_, c) => {
      const k = instance(name);
      const one = convThroughKernels(k, c, 1);
      const { x, f, b, dy } = one.inputs;
      const y = convForwardReference(c, x, f, b, false);
      const grads = convBackwardReference(c, x, f, dy, null);
      const out = outputSize(c);
      expect(worst(one.y, y, Math.sqrt(c.kernel * c.kernel * c.channels))).toBeLessThan(5e-6);
      expect(worst(one.dw, grads.dw, Math.sqrt(c.images * out * out))).toBeLessThan(5e-6);
      expect(worst(one.dx, grads.dx, Math.sqrt(c.kernel * c.kernel * c.filters))).toBeLessThan(5e-6);
      for (const chunks of [2, 7]) {
        const split = convThroughKernels(k, c, chunks);
        expect(split.y).toEqual(one.y);
        expect(split.dw).toEqual(one.dw);
        expect(split.dx).toEqual(one.dx);
      }
      // Blocks of 5 pixels (ragged, never a whole tile's rows) and of 64, on 1, 2 or 7 chunks.
      for (const [chunks, block] of [
        [1, 5],
        [2, 64],
        [7, 5],
      ] as const) {
        expect(convThroughKernels(k, c, chunks, block).dw).toEqual(one.dw);
      }
    },
  );
});

describe('the builds together', () => {
  it('fused multiply-add and multiply-then-add agree to float tolerance (and FMA runs here)', () => {
    const fma = instance('FMA');
    const plain = instance('PLAIN');
    const c = CONV_CASES[1]!;
    const a = convThroughKernels(fma, c, 1);
    const b = convThroughKernels(plain, c, 1);
    for (const key of ['y', 'dw', 'dx'] as const) expect(worst(a[key], b[key], 1)).toBeLessThan(1e-5);
  });

  it('the no-FMA build rewrites each relaxed_madd, nested ones included, as a multiply and an add', () => {
    expect(withoutFma('(local.set $c (f32x4.relaxed_madd (local.get $a) (v128.load (local.get $p)) (local.get $c)))')).toBe(
      '(local.set $c (f32x4.add (f32x4.mul (local.get $a) (v128.load (local.get $p))) (local.get $c)))',
    );
    expect(withoutFma('(f32x4.relaxed_madd (a) (b) (f32x4.relaxed_madd (c) (d) (e)))')).toBe(
      '(f32x4.add (f32x4.mul (a) (b)) (f32x4.add (f32x4.mul (c) (d)) (e)))',
    );
  });
});
