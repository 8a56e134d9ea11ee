/**
 * Writes image-folder datasets for tests: one folder per class of real PNG / JPEG / WebP
 * files encoded by sharp, with patterns a small model tells apart (horizontal stripes,
 * vertical stripes, a centred square, a diagonal) under seeded noise.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import sharp from 'sharp';
import { createRng } from '../../src/shared/seeded-random';

export const PATTERNS = ['stripes-h', 'stripes-v', 'square', 'diagonal'] as const;
export type Pattern = (typeof PATTERNS)[number];

export interface ImageFolderSpec {
  classes: readonly Pattern[];
  perClass: number;
  width?: number;
  height?: number;
  channels?: 1 | 3;
  format?: 'png' | 'jpeg' | 'webp';
  /** Write train/ and valid/ folders (the last `valid` images of each class go to valid/). */
  valid?: number;
  seed?: number;
  /** Class folder names (default: the pattern names). */
  names?: readonly string[];
}

/** One image's pixels (HWC bytes): bright pattern on dark ground, with noise and a random shift. */
export function patternPixels(pattern: Pattern, width: number, height: number, channels: 1 | 3, random: () => number): Uint8Array {
  const out = new Uint8Array(width * height * channels);
  const shift = Math.floor(random() * 4);
  const tint = [200 + Math.floor(random() * 55), 120 + Math.floor(random() * 100), 60 + Math.floor(random() * 120)];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const u = (x * 28) / width;
      const v = (y * 28) / height;
      let on: boolean;
      if (pattern === 'stripes-h') on = Math.floor((v + shift) / 3) % 2 === 0;
      else if (pattern === 'stripes-v') on = Math.floor((u + shift) / 3) % 2 === 0;
      else if (pattern === 'square') on = u > 7 + shift && u < 19 + shift && v > 7 && v < 19;
      else on = Math.abs(u - v - shift) < 3;
      for (let c = 0; c < channels; c++) {
        const base = on ? tint[c]! : 20;
        out[(y * width + x) * channels + c] = Math.max(0, Math.min(255, Math.round(base + (random() - 0.5) * 60)));
      }
    }
  }
  return out;
}

export async function encodeImage(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: 1 | 3,
  format: 'png' | 'jpeg' | 'webp',
): Promise<Buffer> {
  let image = sharp(Buffer.from(pixels), { raw: { width, height, channels } });
  if (channels === 1) image = image.toColourspace('b-w');
  return format === 'png' ? image.png().toBuffer() : format === 'jpeg' ? image.jpeg({ quality: 92 }).toBuffer() : image.webp().toBuffer();
}

/** Writes the dataset under `root` and returns the paths written, by class. */
export async function writeImageFolder(root: string, spec: ImageFolderSpec): Promise<string[][]> {
  const { width = 28, height = 28, channels = 1, format = 'png', seed = 1 } = spec;
  const random = createRng(seed);
  const ext = format === 'jpeg' ? 'jpg' : format;
  const written: string[][] = [];
  for (const [k, pattern] of spec.classes.entries()) {
    const name = spec.names?.[k] ?? pattern;
    const paths: string[] = [];
    for (let i = 0; i < spec.perClass; i++) {
      const part = spec.valid === undefined ? '' : i >= spec.perClass - spec.valid ? 'valid' : 'train';
      const dir = join(root, part, name);
      await mkdir(dir, { recursive: true });
      const path = join(dir, `${String(i).padStart(4, '0')}.${ext}`);
      await writeFile(path, await encodeImage(patternPixels(pattern, width, height, channels, random), width, height, channels, format));
      paths.push(path);
    }
    written.push(paths);
  }
  return written;
}
