#!/usr/bin/env node
// `npm run build:icons`: renders resources/icon.svg (the vector source) into the PNGs the app
// and its packages use — resources/icons/<n>x<n>.png at every size Linux desktops look up
// (16…512; electron-builder's linux.icon takes the folder), the window's 512 and the 1024 that
// macOS wants — with sharp (libvips + librsvg). The PNGs are committed, so building or
// packaging never needs this; a test re-renders them and fails when they and the SVG disagree.
import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const ICON_SVG = join(root, 'resources/icon.svg');
export const ICON_DIR = join(root, 'resources/icons');
export const ICON_SIZES = [16, 24, 32, 48, 64, 128, 256, 512, 1024];

/** The icon at one size, as PNG bytes. */
export function renderIcon(size) {
  // density: rasterize the 1024-unit SVG at the target size directly (not a blurry downscale).
  return sharp(ICON_SVG, { density: (72 * size) / 1024 })
    .resize(size, size)
    .png({ compressionLevel: 9, palette: false })
    .toBuffer();
}

export function iconPath(size) {
  return join(ICON_DIR, `${size}x${size}.png`);
}

async function main() {
  mkdirSync(ICON_DIR, { recursive: true });
  for (const size of ICON_SIZES) {
    await sharp(await renderIcon(size)).toFile(iconPath(size));
    console.log(`resources/icons/${size}x${size}.png`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
