/**
 * The committed icons (resources/icons/<n>x<n>.png) are what scripts/build-icons.js draws from
 * resources/icon.svg today: right sizes, transparent corners, and pixels that match a fresh
 * render (edit the SVG, then `npm run build:icons`).
 */
import { existsSync, readdirSync } from 'node:fs';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { ICON_DIR, ICON_SIZES, iconPath, renderIcon } from '../../../scripts/build-icons.js';

async function pixels(png: Buffer | string): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
  const { data, info } = await sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height, channels: info.channels };
}

describe('resources/icons', () => {
  it('holds one PNG per size Electron and desktops use, and nothing else', () => {
    expect(ICON_SIZES).toEqual([16, 24, 32, 48, 64, 128, 256, 512, 1024]);
    expect(readdirSync(ICON_DIR).sort()).toEqual(ICON_SIZES.map((n) => `${n}x${n}.png`).sort());
  });

  it.each(ICON_SIZES)('%ipx: the size its name says, transparent corners, an opaque middle', async (size) => {
    const meta = await sharp(iconPath(size)).metadata();
    expect(meta).toMatchObject({ format: 'png', width: size, height: size, hasAlpha: true });
    const { data, channels } = await pixels(iconPath(size));
    const alpha = (x: number, y: number) => data[(y * size + x) * channels + 3];
    expect(alpha(0, 0)).toBe(0);
    expect(alpha(size - 1, size - 1)).toBe(0);
    expect(alpha(size >> 1, size >> 1)).toBe(255);
  });

  it.each(ICON_SIZES)('%ipx: matches a fresh render of resources/icon.svg', async (size) => {
    expect(existsSync(iconPath(size))).toBe(true);
    const committed = await pixels(iconPath(size));
    const fresh = await pixels(await renderIcon(size));
    expect([fresh.width, fresh.height]).toEqual([committed.width, committed.height]);
    // Exact here; a little slack for another platform's build of librsvg's antialiasing.
    let worst = 0;
    for (let i = 0; i < committed.data.length; i++) worst = Math.max(worst, Math.abs(committed.data[i]! - fresh.data[i]!));
    expect(worst).toBeLessThanOrEqual(8);
  });
});
