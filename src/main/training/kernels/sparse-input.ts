/**
 * An image batch as its background plus the entries that differ from it, for the first
 * dense layer's products (dense-forward.ts, dense-backward.ts; kernels.wat's sparse_*).
 *
 * A digit's black pixels are ~80 % of it, and normalized they are all one value per
 * channel (the byte 0's: the channel's offset). So x · W = 1 · (bg · W) + (x − bg) · W, and
 * xᵀ · g = bg ⊗ Σ g + (x − bg)ᵀ · g, where x − bg is sparse: its entries are found once per
 * batch (sparse_scan, as rows for the forward pass and, turned, as columns for the weight
 * gradient) and each product then costs its entries instead of every pixel. Measured on the
 * default MLP (batch 64, one thread): see BENCHMARKS.md. The sums are the same math in a
 * different order, so they round differently from the dense products (within float32's
 * rounding); every run on this path is reproducible to the bit.
 *
 * The DataLoader marks each batch it gathers from an image set's bytes (pixel-gather.ts);
 * a mark is good only for the set's latest batch, whose entries live in one buffer per set
 * (freed when the set is collected). A batch whose entries are more than MAX_DENSITY of it
 * keeps the dense products, and a set that gives DENSE_STREAK such batches in a row is not
 * scanned again.
 */
import type * as tf from '@tensorflow/tfjs';
import type { PixelBytes } from '../data/dataset';
import type { HostMemory } from './host-memory';
import type { SimdKernels } from './simd/simd-kernels';

/** Above this share of entries a batch keeps the dense products (the sparse ones cost more per entry). */
const MAX_DENSITY = 0.35;
/** Batches too dense in a row before a set is no longer scanned. */
const DENSE_STREAK = 3;

interface Owner {
  readonly simd: SimdKernels;
  /** Floats per row. */
  readonly k: number;
  /** k floats: each column's background; then the background as one sparse row: ptr [0, k], then idx 0 .. k − 1. */
  readonly bg: number;
  readonly bgPtr: number;
  readonly bgIdx: number;
  /** The latest batch's entries (room for `rows` rows), 0 before the first scan. */
  buf: number;
  rows: number;
  generation: number;
  denseStreak: number;
}

interface Mark {
  readonly owner: Owner;
  readonly generation: number;
  state: 'unscanned' | 'sparse' | 'dense' | 'transposed';
  entries: number;
}

/** A batch's entries, row by row (or column by column), with the background they differ from. */
export interface SparseEntries {
  readonly ptr: number;
  readonly idx: number;
  readonly val: number;
  readonly entries: number;
  /** k floats, each column's background. */
  readonly bg: number;
  /** The background as one sparse row over k columns (for bg · W). */
  readonly bgPtr: number;
  readonly bgIdx: number;
}

const owners = new WeakMap<PixelBytes, Owner>();
const marks = new WeakMap<object, Mark>();
const freeOnCollect = new FinalizationRegistry<{ simd: WeakRef<SimdKernels>; ptrs: { bg: number; buf: number } }>(({ simd, ptrs }) => {
  const kernels = simd.deref();
  if (!kernels) return;
  kernels.free(ptrs.bg);
  if (ptrs.buf) kernels.free(ptrs.buf);
});
/** Each owner's pointers, as the registry frees them (the buffer moves when it grows). */
const heldPtrs = new WeakMap<Owner, { bg: number; buf: number }>();
/** On unless $RUNLAB_SPARSE_INPUT is 0; read once here, not per batch (process.env is a slow lookup). */
const fromEnv = (): boolean => process.env.RUNLAB_SPARSE_INPUT !== '0';
let choice: boolean | null = null;
let on = fromEnv();

/** Whether the sparse products run: setSparseInput's choice, else $RUNLAB_SPARSE_INPUT's (on by default). */
export function sparseInputOn(): boolean {
  return on;
}

/**
 * Switches the sparse products on or off (null: $RUNLAB_SPARSE_INPUT's choice, read again),
 * for comparing them in one process (tests, the benchmark). Returns the previous choice.
 */
export function setSparseInput(next: boolean | null): boolean | null {
  const previous = choice;
  choice = next;
  on = next ?? fromEnv();
  return previous;
}

function ownerOf(bytes: PixelBytes, simd: SimdKernels, memory: HostMemory, batch: tf.TensorInfo, k: number): Owner | null {
  const known = owners.get(bytes);
  if (known?.simd === simd && known.k === k) return known;
  const channels = bytes.offset.length;
  if (k % channels !== 0) return null;
  const bg = simd.malloc(k * 8 + 8);
  if (!bg) return null;
  // A view after the allocation: it can grow the heap and detach older ones.
  const heap = memory.view(batch).buffer;
  const floats = new Float32Array(heap, bg, k);
  for (let c = 0; c < k; c++) floats[c] = bytes.offset[c % channels]!;
  const ints = new Int32Array(heap, bg + k * 4, k + 2);
  ints[0] = 0;
  ints[1] = k;
  for (let c = 0; c < k; c++) ints[c + 2] = c;
  const owner: Owner = { simd, k, bg, bgPtr: bg + k * 4, bgIdx: bg + k * 4 + 8, buf: 0, rows: 0, generation: 0, denseStreak: 0 };
  const ptrs = { bg, buf: 0 };
  heldPtrs.set(owner, ptrs);
  owners.set(bytes, owner);
  freeOnCollect.register(bytes, { simd: new WeakRef(simd), ptrs });
  return owner;
}

/**
 * Marks `batch` (rows of `bytes` just gathered into it, `k` floats each)
 * as on its set's background; any earlier batch of the set loses its mark.
 */
export function markBackground(batch: tf.TensorInfo, bytes: PixelBytes, simd: SimdKernels, memory: HostMemory, k: number): void {
  if (!on) return;
  const owner = ownerOf(bytes, simd, memory, batch, k);
  if (!owner || owner.denseStreak >= DENSE_STREAK) return;
  owner.generation++;
  marks.set(batch.dataId, { owner, generation: owner.generation, state: 'unscanned', entries: 0 });
}

/** Byte offsets in the owner's buffer for `rows` rows: CSR ptr, idx, val; CSC cptr, ridx, cval. */
function layout(rows: number, k: number) {
  const cap = rows * k + 1;
  const ptr = 0;
  const idx = ptr + (rows + 1) * 4;
  const val = idx + cap * 4;
  const cptr = val + cap * 4;
  const ridx = cptr + (k + 1) * 4;
  const cval = ridx + cap * 4;
  return { ptr, idx, val, cptr, ridx, cval, bytes: cval + cap * 4 };
}

/** The live mark of x ([m, k], the set's latest batch) on this backend's kernels, or null. */
function liveMark(x: tf.TensorInfo, simd: SimdKernels): Mark | null {
  if (!on || x.shape.length !== 2) return null;
  const mark = marks.get(x.dataId);
  if (!mark || mark.owner.simd !== simd || mark.generation !== mark.owner.generation || x.shape[1] !== mark.owner.k) return null;
  return mark;
}

function entriesOf(owner: Owner, ptr: number, idx: number, val: number, entries: number): SparseEntries {
  const { buf, bg, bgPtr, bgIdx } = owner;
  return { ptr: buf + ptr, idx: buf + idx, val: buf + val, entries, bg, bgPtr, bgIdx };
}

/** x's entries row by row (scanned at the first ask), or null: not a marked batch, or too dense. */
export function sparseRows(x: tf.TensorInfo, at: number, simd: SimdKernels): SparseEntries | null {
  const mark = liveMark(x, simd);
  if (!mark || mark.state === 'dense') return null;
  const { owner } = mark;
  const m = x.shape[0]!;
  if (mark.state === 'unscanned') {
    if (owner.rows < m) {
      const buf = simd.malloc(layout(m, owner.k).bytes);
      if (!buf) return null;
      if (owner.buf) simd.free(owner.buf);
      owner.buf = buf;
      owner.rows = m;
      heldPtrs.get(owner)!.buf = buf;
    }
    const l = layout(owner.rows, owner.k);
    mark.entries = simd.sparseScan(at, owner.bg, m, owner.k, owner.buf + l.ptr, owner.buf + l.idx, owner.buf + l.val);
    const dense = mark.entries > MAX_DENSITY * m * owner.k;
    mark.state = dense ? 'dense' : 'sparse';
    owner.denseStreak = dense ? owner.denseStreak + 1 : 0;
    if (dense) return null;
  }
  const l = layout(owner.rows, owner.k);
  return entriesOf(owner, l.ptr, l.idx, l.val, mark.entries);
}

/** x's entries column by column (turned from its rows at the first ask), or null as sparseRows. */
export function sparseColumns(x: tf.TensorInfo, at: number, simd: SimdKernels): SparseEntries | null {
  const rows = sparseRows(x, at, simd);
  if (!rows) return null;
  const mark = marks.get(x.dataId)!;
  const { owner } = mark;
  const l = layout(owner.rows, owner.k);
  if (mark.state !== 'transposed') {
    simd.sparseTranspose(rows.ptr, rows.idx, rows.val, x.shape[0]!, owner.k, owner.buf + l.cptr, owner.buf + l.ridx, owner.buf + l.cval);
    mark.state = 'transposed';
  }
  return entriesOf(owner, l.cptr, l.ridx, l.cval, mark.entries);
}
