/**
 * The shapes a 'same' NHWC convolution's SIMD kernels work with: the zero-padded input
 * xp[b, hp, wp, c] that the windows read (hp = (oh − 1)·s + kh rows, exactly what they
 * reach), and the table of where each output pixel's window starts in it — computed once
 * per shape and kept in the heap (it is no tensor) for the life of the backend.
 */
import { samePadding } from '../models/conv-gradients';
import type { SimdKernels } from './simd/simd-kernels';

export interface ConvGeometry {
  images: number;
  h: number;
  w: number;
  c: number;
  kh: number;
  kw: number;
  /** Filters (output channels). */
  oc: number;
  stride: number;
  oh: number;
  ow: number;
  hp: number;
  wp: number;
  top: number;
  left: number;
  /** Output pixels, images·oh·ow: the rows of the products. */
  m: number;
  /** Floats of one filter row of a window, kw·c (adjacent in xp). */
  l: number;
  /** The products' shared dimension, kh·kw·c. */
  k: number;
  /** One row of xp, in bytes. */
  rowBytes: number;
  /** One image of xp, in bytes. */
  imageBytes: number;
  /** False when xp is x itself (no zeros to add, no rows or columns to leave out). */
  padded: boolean;
}

export function convGeometry(xShape: readonly number[], filterShape: readonly number[], stride: number): ConvGeometry {
  const [images, h, w, c] = xShape as [number, number, number, number];
  const [kh, kw, , oc] = filterShape as [number, number, number, number];
  const ph = samePadding(h, kh, stride);
  const pw = samePadding(w, kw, stride);
  const hp = (ph.out - 1) * stride + kh;
  const wp = (pw.out - 1) * stride + kw;
  return {
    images,
    h,
    w,
    c,
    kh,
    kw,
    oc,
    stride,
    oh: ph.out,
    ow: pw.out,
    hp,
    wp,
    top: ph.before,
    left: pw.before,
    m: images * ph.out * pw.out,
    l: kw * c,
    k: kh * kw * c,
    rowBytes: wp * c * 4,
    imageBytes: hp * wp * c * 4,
    padded: !(ph.before === 0 && pw.before === 0 && hp === h && wp === w),
  };
}

/** Row tables kept per kernel set; a few shapes per layer (the last batch is smaller). */
const MAX_TABLES = 64;
const tables = new WeakMap<SimdKernels, Map<string, number>>();

/** The window table for `g`, made on first use. */
export function rowTable(simd: SimdKernels, g: ConvGeometry): number {
  let byShape = tables.get(simd);
  if (!byShape) tables.set(simd, (byShape = new Map()));
  const key = `${g.images},${g.oh},${g.ow},${g.hp},${g.wp},${g.c},${g.stride}`;
  let table = byShape.get(key);
  if (table === undefined) {
    if (byShape.size >= MAX_TABLES) {
      for (const ptr of byShape.values()) simd.free(ptr);
      byShape.clear();
    }
    table = simd.malloc(g.m * 4);
    simd.convRows(table, g.images, g.oh, g.ow, g.hp, g.wp, g.c, g.stride);
    byShape.set(key, table);
  }
  return table;
}
