/**
 * The SIMD kernels of kernels.wat (dense layers, convolutions, SGD's update), instantiated
 * once per wasm backend on that backend's own heap (tfjs-wasm's WebAssembly.Memory is
 * imported), so they read and write tensors where they live. Pointers are byte addresses in
 * that heap (host-memory.ts's views give them). Where the heap is shared (shared-heap.ts),
 * the big kernels also run on worker threads (kernel-threads.ts). Where none of this can
 * be — no WebAssembly SIMD, a tfjs-wasm build that hides its memory — there are none, with
 * the reason, and the engine keeps TensorFlow.js's ops.
 */
import * as tf from '@tensorflow/tfjs';
import { registerHostKernel } from '../host-kernel';
import type { HostMemory } from '../host-memory';
import { KernelThreads, kernelThreadsWanted } from './kernel-threads';
import { wasmHeap } from './shared-heap';
import { simdModule } from './simd-module';

export interface SimdKernels {
  /** c[m, n] = act(a[m, k] · b[k, n] + bias[n]); bias 0 for none; relu 1 for max(·, 0). */
  gemmNN(a: number, b: number, bias: number, c: number, m: number, k: number, n: number, relu: number): void;
  /** c[p, n] = a[m, p]ᵀ · b[m, n]. */
  gemmTN(a: number, b: number, c: number, m: number, p: number, n: number): void;
  /** out[n] = the column sums of a[m, n]. */
  colSums(a: number, out: number, m: number, n: number): void;
  /**
   * relu's backward pass and colSums in one pass: out[m, n] = dy where y > 0, else 0 (NaN in y
   * stays NaN); sums[n] = out's column sums, in row order up to RELU_BLOCK_ROWS rows, else
   * block by block (each block's sums, then the blocks' in order: the same on any number of threads).
   */
  reluGradSums(dy: number, y: number, out: number, sums: number, m: number, n: number): void;
  /** out[cols, rows] = a[rows, cols]ᵀ. */
  transpose(a: number, out: number, rows: number, cols: number): void;
  /**
   * dst[i] = src[i] · scale + offset over `len` bytes, each rounded to float32 (normalize.ts's
   * lookup table to the bit); `pattern` holds `period` scales then `period` offsets, element i
   * taking entry i mod period (period = lcm(4, channels)).
   */
  bytesToFloats(src: number, dst: number, len: number, pattern: number, period: number): void;
  /**
   * bytesToFloats on each of `count` rows of `sampleSize` bytes: row b from base + rows[b] ·
   * sampleSize (rows: int32 indices) to dst + b · sampleSize · 4 — a shuffled batch gathered
   * from bytes that live in the heap.
   */
  gatherBytesToFloats(base: number, rows: number, count: number, sampleSize: number, dst: number, pattern: number, period: number): void;
  /**
   * The entries of x[m, k] that differ from bg[k], row by row: row i's are ptr[i] .. ptr[i + 1]
   * of idx (columns) and val (x − bg); idx and val hold m · k + 1. Returns how many.
   */
  sparseScan(x: number, bg: number, m: number, k: number, ptr: number, idx: number, val: number): number;
  /** sparseScan's rows as columns: column c's entries are cptr[c] .. cptr[c + 1] of ridx (rows) and cval. */
  sparseTranspose(ptr: number, idx: number, val: number, m: number, k: number, cptr: number, ridx: number, cval: number): void;
  /**
   * c[r, n] = act(s_r · init[n] + Σ val[e] · b[idx[e], :]) over row r's entries; s_r = scale[r]
   * (scale 0: 1), init 0: zeros; n ≥ 4; `entries` (their count) sizes the threads' shares.
   */
  sparseMM(
    ptr: number,
    idx: number,
    val: number,
    b: number,
    init: number,
    scale: number,
    c: number,
    rows: number,
    n: number,
    relu: number,
    entries: number,
  ): void;
  /** out = p − lr · (g + wd · p) over `len` floats (p − lr · g when wd = 0). */
  sgdStep(p: number, g: number, out: number, len: number, lr: number, wd: number): void;
  /** xp[b, hp, wp, c] = x[b, h, w, c] moved by (top, left) into zeros. */
  padNhwc(x: number, xp: number, images: number, h: number, w: number, c: number, hp: number, wp: number, top: number, left: number): void;
  /** dx[b, h, w, c] = dxp[b, hp, wp, c] at (top, left); what no window reached is 0. */
  unpadNhwc(
    dxp: number,
    dx: number,
    images: number,
    h: number,
    w: number,
    c: number,
    hp: number,
    wp: number,
    top: number,
    left: number,
  ): void;
  /** table[p] = the byte offset in xp of output pixel p's window. */
  convRows(table: number, images: number, oh: number, ow: number, hp: number, wp: number, c: number, stride: number): void;
  /** y[p, o] = act(bias[o] + Σ window(p) · f[·, o]) over m pixels (l = kw·c, rowBytes = wp·c·4). */
  convFwd(
    xp: number,
    table: number,
    f: number,
    bias: number,
    y: number,
    m: number,
    kh: number,
    l: number,
    rowBytes: number,
    n: number,
    relu: number,
  ): void;
  /**
   * dw[kk, o] = Σ_p window(p)[kk] · g[p, o]. A small dw (≤ DW_PIXEL_MAX_FLOATS) is summed
   * over DW_PIXEL_BLOCKS blocks of pixels, then the blocks in order (conv_dw_pixels); a
   * bigger one in one sum over the pixels, read in blocks that keep g within DW_BLOCK_BYTES.
   * The two paths round differently; each gives the same bits on any number of threads.
   */
  convDw(xp: number, table: number, g: number, dw: number, m: number, kh: number, l: number, rowBytes: number, n: number): void;
  /** dxp (zeroed first) += g · wt scattered to the windows; l a multiple of 8. */
  convDx(
    g: number,
    wt: number,
    dxp: number,
    table: number,
    images: number,
    imageRows: number,
    imageBytes: number,
    kh: number,
    l: number,
    rowBytes: number,
    n: number,
  ): void;
  /** dxp (zeroed first) += cols[m, kh·l] scattered to the windows. */
  col2im(
    cols: number,
    dxp: number,
    table: number,
    images: number,
    imageRows: number,
    imageBytes: number,
    kh: number,
    l: number,
    rowBytes: number,
  ): void;
  /** Heap memory that is no tensor (kernels' caches), and its release. */
  malloc(bytes: number): number;
  free(ptr: number): void;
  /** True when the products use fused multiply-adds (relaxed SIMD). */
  readonly fma: boolean;
  /** Threads the big kernels run on (1: this one only). */
  readonly threads: number;
}

export type SimdKernelsStatus = { simd: SimdKernels; reason: null } | { simd: null; reason: string };

/** The part of the wasm backend read here besides its heap: tfjs-wasm 4.22's Emscripten allocator. */
interface WasmBackendShape {
  wasm?: { _malloc?: (bytes: number) => number; _free?: (ptr: number) => void };
}

type Exports = Record<string, (...args: number[]) => void>;

/** Work (multiply-adds) below which a kernel stays on one thread: waking the others costs more. */
const MIN_PARALLEL_WORK = 40_000;
/** Work per chunk of a kernel on threads (a few µs: small enough to balance, large enough to be cheap to claim). */
const CHUNK_WORK = 50_000;
const MAX_CHUNKS = 16;
/**
 * Products whose b has at least this many columns and floats (beyond an L1 cache), and that
 * have this many tile rows, read b through panels (kernels.wat's pack_panels): down long rows
 * of b a tile's reads evict one another from the caches. Measured on one core, packing
 * included: 64×784·784×2048 1.6× faster forward and 4.9× for the weight gradient,
 * 64×784·784×512 1.4–2.4×, 64×784·784×50 1.2× forward; a b of 64 × 50 (already in L1) 0.94×.
 */
const PACK_MIN_COLUMNS = 32;
const PACK_MIN_FLOATS = 8192;
const PACK_MIN_ROWS = 8;

/** Rows of the products' register tiles (kernels.wat: 4 rows × 8 columns). */
const TILE_ROWS = 4;
/**
 * conv_dw reads dL/dy in blocks of pixels of at most this many bytes, so a block stays in
 * the core's caches while every tile of the filter gradient reads it.
 */
const DW_BLOCK_BYTES = 32 * 1024;
/**
 * What copying a float counts as against a multiply-add, for the threads' work thresholds:
 * measured, the CNN's first pad (54k floats at batch 64) takes 17 µs on one thread, 11 on two.
 */
const PAD_WORK = 2;
/**
 * Filter gradients of at most this many floats (kh·l·n: the CNN preset's 72 and 1,152) sum
 * DW_PIXEL_BLOCKS blocks of pixels (each at least DW_PIXEL_MIN_ROWS) and then the blocks, so
 * the threads split the pixels — the blocks fixed by the shape, the bits the same on any
 * number of threads. Bigger ones (the wide CNN's 18,432) split their tiles: their partial
 * sums would cost more to write and add than their tiles lose in balance.
 */
const DW_PIXEL_MAX_FLOATS = 4096;
const DW_PIXEL_BLOCKS = 16;
const DW_PIXEL_MIN_ROWS = 128;
/**
 * Rows per block of relu_grad_blocks: a conv layer's masked gradient (batch × pixels rows)
 * splits over the threads in blocks this size; a dense layer's (batch rows, ≤ 512 in the
 * grid) stays one pass in row order. Measured on the CNN preset at batch 64, 2 cores: the
 * two masks took 49 µs a step on the training thread (more than on 1 thread, 32 µs: half
 * their inputs sit in the other core's cache); split in blocks, 36 µs (BENCHMARKS.md, 4 December).
 */
const RELU_BLOCK_ROWS = 512;

const statuses = new WeakMap<object, SimdKernelsStatus>();
let enabled = true;

function kernelsOn(e: Exports, fma: boolean, threads: KernelThreads | null, wasm: Required<WasmBackendShape>['wasm']): SimdKernels {
  /**
   * Runs export `name` whole, or split over the threads when `work` is worth it, in at most
   * `maxChunks` parts (no more parts than a kernel has tiles or images to share out).
   */
  const run = (name: string, work: number, args: number[], maxChunks = MAX_CHUNKS): void => {
    const chunks = Math.min(maxChunks, MAX_CHUNKS, Math.max(2, Math.round(work / CHUNK_WORK)));
    if (threads && work >= MIN_PARALLEL_WORK && chunks >= 2) threads.run(name, args, chunks);
    else e[name]!(...args, 0, 1);
  };
  /**
   * Sums in fixed blocks: `fill` writes `blocks` rows of `width` partial sums to a scratch
   * buffer (over the threads, each row the same bits on any thread count), then col_sums adds
   * them in block order into `out`. False, with nothing run, when there is one block or no
   * memory left for the rows — the caller then takes its one-pass path.
   */
  const inBlocks = (blocks: number, width: number, out: number, fill: (partials: number) => void): boolean => {
    const partials = blocks > 1 ? wasm._malloc!(blocks * width * 4) >>> 0 : 0;
    if (!partials) return false;
    try {
      fill(partials);
      e.col_sums!(partials, out, blocks, width);
    } finally {
      wasm._free!(partials);
    }
    return true;
  };
  /** Runs `packed` on b copied into panels of `rows` rows, or `plain` on b where packing does not pay or no memory is left. */
  const onPanels = (
    b: number,
    rows: number,
    n: number,
    tileRows: number,
    work: number,
    plain: [string, number[]],
    packed: (bp: number) => [string, number[]],
  ): void => {
    const packs = n >= PACK_MIN_COLUMNS && rows * n >= PACK_MIN_FLOATS && tileRows >= PACK_MIN_ROWS;
    const bp = packs ? wasm._malloc!(((n + 7) >> 3) * rows * 32) >>> 0 : 0;
    if (!bp) return run(plain[0], work, plain[1]);
    try {
      e.pack_panels!(b, bp, rows, n);
      const [name, args] = packed(bp);
      run(name, work, args);
    } finally {
      wasm._free!(bp);
    }
  };
  return {
    gemmNN: (a, b, bias, c, m, k, n, relu) =>
      onPanels(b, k, n, m, m * k * n, ['gemm_nn', [a, b, bias, c, m, k, n, relu]], (bp) => [
        'gemm_nn_packed',
        [a, bp, bias, c, m, k, n, relu],
      ]),
    gemmTN: (a, b, c, m, p, n) =>
      onPanels(b, m, n, p, m * p * n, ['gemm_tn', [a, b, c, m, p, n]], (bp) => ['gemm_tn_packed', [a, bp, c, m, p, n]]),
    colSums: e.col_sums!,
    reluGradSums: (dy, y, out, sums, m, n) => {
      const blocks = Math.ceil(m / RELU_BLOCK_ROWS);
      // Elementwise, a float in from each of dy and y and one out: counted as copies.
      const summed = inBlocks(blocks, n, sums, (partials) =>
        run('relu_grad_blocks', m * n * PAD_WORK, [dy, y, out, partials, m, n, RELU_BLOCK_ROWS], blocks),
      );
      // One block, or no memory left for the blocks' sums: one pass (sums rounded in row order).
      if (!summed) e.relu_grad_sums!(dy, y, out, sums, m, n);
    },
    transpose: e.transpose!,
    bytesToFloats: e.bytes_to_floats!,
    // Split by rows; a byte in, a float out, counted as a copy.
    gatherBytesToFloats: (base, rows, count, sampleSize, dst, pattern, period) =>
      run('gather_bytes_to_floats', count * sampleSize * PAD_WORK, [base, rows, count, sampleSize, dst, pattern, period], count),
    sgdStep: e.sgd_step!,
    sparseScan: e.sparse_scan! as unknown as SimdKernels['sparseScan'],
    sparseTranspose: e.sparse_transpose!,
    // Split by rows: a row's entries times n multiply-adds.
    sparseMM: (ptr, idx, val, b, init, scale, c, rows, n, relu, entries) =>
      run('sparse_mm', entries * n, [ptr, idx, val, b, init, scale, c, rows, n, relu], rows),
    // Copies, split by images: a few floats of work per float moved, so a part needs PAD_WORK floats' worth.
    padNhwc: (x, xp, images, h, w, c, hp, wp, top, left) =>
      run('pad_nhwc', images * hp * wp * c * PAD_WORK, [x, xp, images, h, w, c, hp, wp, top, left], images),
    unpadNhwc: (dxp, dx, images, h, w, c, hp, wp, top, left) =>
      run('unpad_nhwc', images * h * w * c * PAD_WORK, [dxp, dx, images, h, w, c, hp, wp, top, left], images),
    convRows: e.conv_rows!,
    convFwd: (xp, table, f, bias, y, m, kh, l, rowBytes, n, relu) =>
      run('conv_fwd', m * kh * l * n, [xp, table, f, bias, y, m, kh, l, rowBytes, n, relu]),
    // A filter gradient of few floats sums blocks of pixels (conv_dw_pixels) and then the
    // blocks: the threads split the pixels. Otherwise conv_dw splits its kh·l rows in whole
    // tiles (kernels.wat's dw_split) and reads dL/dy in blocks that stay in the caches.
    convDw: (xp, table, g, dw, m, kh, l, rowBytes, n) => {
      const k = kh * l;
      const target = k * n <= DW_PIXEL_MAX_FLOATS ? Math.min(DW_PIXEL_BLOCKS, Math.floor(m / DW_PIXEL_MIN_ROWS)) : 0;
      if (target >= 2) {
        // Whole tiles of pixels per block; rounding up can leave fewer blocks than the target.
        const pixels = Math.ceil(m / target / TILE_ROWS) * TILE_ROWS;
        const blocks = Math.ceil(m / pixels);
        const args = [xp, table, g, 0, m, kh, l, rowBytes, n, pixels];
        const summed = inBlocks(blocks, k * n, dw, (partials) => {
          args[3] = partials;
          run('conv_dw_pixels', m * k * n, args, blocks);
        });
        if (summed) return;
      }
      const block = Math.max(TILE_ROWS, Math.floor(DW_BLOCK_BYTES / (n * 4)));
      const blocked = block < m;
      const scratch = blocked ? wasm._malloc!(Math.ceil(k / TILE_ROWS) * Math.ceil(n / 8) * 128) >>> 0 : 0;
      try {
        const args = [xp, table, g, dw, m, kh, l, rowBytes, n, scratch, scratch ? block : 0];
        run('conv_dw', m * k * n, args, Math.floor(k / TILE_ROWS));
      } finally {
        if (scratch) wasm._free!(scratch);
      }
    },
    convDx: (g, wt, dxp, table, images, imageRows, imageBytes, kh, l, rowBytes, n) =>
      run('conv_dx', images * imageRows * kh * l * n, [g, wt, dxp, table, images, imageRows, imageBytes, kh, l, rowBytes, n]),
    col2im: (cols, dxp, table, images, imageRows, imageBytes, kh, l, rowBytes) =>
      run('col2im', images * imageRows * kh * l, [cols, dxp, table, images, imageRows, imageBytes, kh, l, rowBytes]),
    malloc: (bytes) => wasm._malloc!(bytes) >>> 0,
    free: (ptr) => wasm._free!(ptr),
    fma,
    get threads() {
      return threads?.active ?? 1;
    },
  };
}

function instantiate(backend: object): SimdKernelsStatus {
  const memory = wasmHeap(backend);
  const wasm = (backend as WasmBackendShape).wasm;
  if (!memory || !wasm?._malloc || !wasm._free) return { simd: null, reason: 'the wasm backend does not expose its memory' };
  const shared = memory.buffer instanceof SharedArrayBuffer;
  const compiled = simdModule(shared);
  if (typeof compiled === 'string') return { simd: null, reason: compiled };
  try {
    const e = new WebAssembly.Instance(compiled.module, { env: { memory } }).exports as Exports;
    const wanted = shared ? kernelThreadsWanted() : 1;
    const threads = wanted > 1 ? new KernelThreads(compiled.module, memory, wanted) : null;
    return { simd: kernelsOn(e, compiled.fma, threads, wasm), reason: null };
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
