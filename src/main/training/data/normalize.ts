/**
 * Input scaling. Images: bytes → [0, 1] → (x − mean) / std with the TRAIN set's mean/std —
 * one for grey images (as the lesson notebook does: ≈ 0.13 / 0.31 on MNIST), one per channel
 * for RGB — applied to train and valid alike so valid sees no statistics of its own. Tabular: each column standardized with its
 * train mean/std (a constant column, std 0, is only centred).
 */

import { Dataset, type PixelBytes } from './dataset';

export interface Stats {
  mean: number;
  std: number;
}

/** Mean and (population) std of bytes scaled to [0, 1]; exact, through a 256-bin histogram. */
export function pixelStats(pixels: Uint8Array): Stats {
  const hist = new Float64Array(256);
  for (let i = 0; i < pixels.length; i++) hist[pixels[i]!]!++;
  return statsOfHistogram(hist);
}

/**
 * A channel's bytes → floats as float32 arithmetic: x = fround(fround(v · scale) + offset)
 * with scale = 1 / (255 · std) and offset = −mean / std, both float32 — (v / 255 − mean) / std
 * to within an ulp, and what the SIMD batch gather (kernels/pixel-gather.ts) computes to the
 * bit, so a batch is the same whichever builds it.
 */
export function pixelScale(stats: Stats): { scale: number; offset: number } {
  const std = stats.std > 0 ? stats.std : 1;
  return { scale: Math.fround(1 / (255 * std)), offset: Math.fround(-stats.mean / std) };
}

/** The 256 floats a channel's bytes become (pixelScale's formula). */
function lookupTable(stats: Stats): Float32Array {
  const { scale, offset } = pixelScale(stats);
  return Float32Array.from({ length: 256 }, (_, v) => Math.fround(Math.fround(v * scale) + offset));
}

/**
 * The bytes a normalized image set came from, kept beside its floats (dataset.ts): a batch
 * gathered from bytes reads a quarter of the memory (on wasm, kernels/pixel-gather.ts).
 */
function pixelBytes(pixels: Uint8Array, stats: readonly Stats[]): PixelBytes {
  const scales = stats.map(pixelScale);
  return {
    values: pixels,
    scale: Float32Array.from(scales, (s) => s.scale),
    offset: Float32Array.from(scales, (s) => s.offset),
  };
}

/** Per-column mean/std of a row-major matrix with `cols` columns. */
export function columnStats(x: Float32Array, cols: number): { mean: Float64Array; std: Float64Array } {
  const rows = x.length / cols;
  const mean = new Float64Array(cols);
  const m2 = new Float64Array(cols);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) mean[c]! += x[r * cols + c]!;
  }
  for (let c = 0; c < cols; c++) mean[c]! /= Math.max(1, rows);
  for (let r = 0; r < rows; r++) {
    for (let c = 0; c < cols; c++) {
      const d = x[r * cols + c]! - mean[c]!;
      m2[c]! += d * d;
    }
  }
  const std = m2.map((s) => Math.sqrt(s / Math.max(1, rows)));
  return { mean, std };
}

/** Standardizes in place with given column stats (std 0 → divide by 1). */
export function standardizeColumns(x: Float32Array, cols: number, stats: { mean: Float64Array; std: Float64Array }): void {
  for (let i = 0; i < x.length; i++) {
    const c = i % cols;
    const s = stats.std[c]!;
    x[i] = (x[i]! - stats.mean[c]!) / (s > 0 ? s : 1);
  }
}

/** Per-channel mean/std of interleaved bytes (HWC: channel k is every `channels`-th byte from k). */
export function channelStats(pixels: Uint8Array, channels: number): Stats[] {
  if (channels === 1) return [pixelStats(pixels)];
  const hists = Array.from({ length: channels }, () => new Float64Array(256));
  for (let i = 0; i < pixels.length; i++) hists[i % channels]![pixels[i]!]!++;
  return hists.map((hist) => statsOfHistogram(hist));
}

/** Interleaved bytes to floats normalized per channel, through one lookup table per channel. */
export function normalizeChannels(pixels: Uint8Array, stats: readonly Stats[]): Float32Array {
  const channels = stats.length;
  const out = new Float32Array(pixels.length);
  // Channel by channel, a stride apart: one table in hand, no index arithmetic per byte.
  stats.forEach((channel, c) => {
    const lut = lookupTable(channel);
    for (let i = c; i < pixels.length; i += channels) out[i] = lut[pixels[i]!]!;
  });
  return out;
}

function statsOfHistogram(hist: Float64Array): Stats {
  let n = 0;
  let sum = 0;
  let sumSq = 0;
  for (let v = 0; v < 256; v++) {
    const x = v / 255;
    n += hist[v]!;
    sum += hist[v]! * x;
    sumSq += hist[v]! * x * x;
  }
  const mean = sum / Math.max(1, n);
  return { mean, std: Math.sqrt(Math.max(0, sumSq / Math.max(1, n) - mean * mean)) };
}

/** An image set: interleaved bytes normalized per channel (`stats`, one per channel), the bytes kept beside the floats. */
export function pixelDataset(pixels: Uint8Array, labels: Int32Array, shape: number[], stats: readonly Stats[]): Dataset {
  return new Dataset(normalizeChannels(pixels, stats), labels, shape, pixelBytes(pixels, stats));
}
