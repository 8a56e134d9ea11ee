/**
 * Helpers for the UI specs: drive the New-run form, find a run's panel, count the pixels a
 * chart has drawn in a colour (Chart.js draws on a canvas: the DOM says nothing), run axe.
 */
import { readdir } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import type { RunStatus } from '../../src/shared/records';

/** Opens the form, resets it, types the given field values (by key), names the run, starts it; returns its id. */
export async function startRunFromForm(page: Page, url: string, fields: Record<string, string>, name?: string): Promise<string> {
  await page.goto(`${url}#/new`);
  // The draft outlives navigation within the page: start from the defaults.
  await page.getByTestId('reset-form').click();
  for (const [key, value] of Object.entries(fields)) {
    const field = page.getByTestId(`field-${key}`);
    const role = await field.getAttribute('role');
    if (role === 'radiogroup') await field.getByRole('radio', { name: value, exact: true }).click();
    else if ((await field.evaluate((el) => el.tagName)) === 'SELECT') await field.selectOption(value);
    else await field.fill(value);
  }
  if (name !== undefined) await page.getByTestId('run-name').fill(name);
  await expect(page.getByTestId('start-run')).toBeEnabled();
  const toastsBefore = await page.locator('[data-testid="toast"][data-run-id]').count();
  await page.getByTestId('start-run').click();
  await expect(page).toHaveURL(/#\/live/);
  // Started at once: Live opens on it. Queued behind others: Live follows the running run and a toast names this one.
  const runs = /[?&]runs=([^&]+)/.exec(page.url());
  if (runs) return decodeURIComponent(runs[1]!);
  const toast = page.locator('[data-testid="toast"][data-run-id]').nth(toastsBefore);
  await expect(toast).toHaveCount(1);
  const id = await toast.getAttribute('data-run-id');
  if (!id) throw new Error('no run id in the URL or in a toast after Start');
  return id;
}

export function livePanel(page: Page, id: string): Locator {
  return page.locator(`[data-testid="live-run"][data-run-id="${id}"]`);
}

export async function expectLiveStatus(page: Page, id: string, status: RunStatus, timeout = 45_000): Promise<void> {
  await expect(livePanel(page, id).getByTestId('run-status')).toHaveAttribute('data-status', status, { timeout });
}

/** Pixels within `tolerance` of an RGB colour on a canvas: how much of a series is drawn. */
export async function inkedPixels(canvas: Locator, rgb: [number, number, number], tolerance = 40): Promise<number> {
  return canvas.evaluate(
    (el, { rgb, tolerance }) => {
      // Typed structurally: the Node-side tsconfig has no DOM library.
      const c = el as unknown as {
        width: number;
        height: number;
        getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
      };
      const data = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (
          data[i + 3]! > 0 &&
          Math.abs(data[i]! - rgb[0]) + Math.abs(data[i + 1]! - rgb[1]) + Math.abs(data[i + 2]! - rgb[2]) <= tolerance
        )
          n++;
      }
      return n;
    },
    { rgb, tolerance },
  );
}

/** The Okabe–Ito blue of the first series (train loss, first compared run). */
export const SERIES_BLUE: [number, number, number] = [0x00, 0x72, 0xb2];

/** Run folders in the lab's data dir: what exists on disk, independent of the UI. */
export async function runFolders(home: string): Promise<string[]> {
  try {
    return (await readdir(join(home, 'runs'), { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
}

/** Waits two animation frames: whatever a change scheduled has been drawn. (A string: no DOM types here.) */
export async function nextFrames(page: Page): Promise<void> {
  await page.evaluate('new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)))');
}

let shotsDir: string | null = null;

/** Where screenshots go: $RUNLAB_SHOTS_DIR, else one temp folder per test process (printed once). */
export async function screenshotsDir(): Promise<string> {
  if (shotsDir) return shotsDir;
  const { mkdir, mkdtemp } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  shotsDir = process.env['RUNLAB_SHOTS_DIR'] ?? (await mkdtemp(join(tmpdir(), 'runlab-ui-shots-')));
  await mkdir(shotsDir, { recursive: true });
  console.log(`UI screenshots: ${shotsDir}`);
  return shotsDir;
}

/** The three sizes every view is looked at in. */
export const SHOT_SIZES: readonly { width: number; height: number }[] = [
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

/**
 * Screenshots of the page as it is, at each size and in each colour scheme, named
 * `<name>-<w>x<h>-<scheme>.png`, for a person to look at. `beforeEach` runs once a size is
 * set (e.g. to scroll a panel into view). Leaves the last size and scheme set, or light at
 * 1280×800 with `restore`.
 */
export async function saveShots(
  page: Page,
  name: string,
  sizes: readonly { width: number; height: number }[] = SHOT_SIZES,
  schemes: readonly ('light' | 'dark')[] = ['light'],
  options: { beforeEach?: () => Promise<void>; restore?: boolean } = {},
): Promise<void> {
  const dir = await screenshotsDir();
  for (const scheme of schemes) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const size of sizes) {
      await page.setViewportSize(size);
      await nextFrames(page);
      if (options.beforeEach) {
        await options.beforeEach();
        await nextFrames(page);
      }
      await page.screenshot({ path: join(dir, `${name}-${size.width}x${size.height}-${scheme}.png`) });
    }
  }
  if (options.restore) {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });
  }
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

interface AxeResult {
  violations: { id: string; impact: string; help: string; nodes: { target: string[]; failureSummary: string }[] }[];
}

/** axe-core's WCAG 2 A/AA violations on the page, a line each (the spec needs `test.use({ bypassCSP: true })`). */
export async function axe(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe !== "undefined"'))) await page.addScriptTag({ path: AXE });
  const result = (await page.evaluate(
    `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })`,
  )) as AxeResult;
  return result.violations.flatMap((v) =>
    v.nodes.slice(0, 5).map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 220)}`),
  );
}

/** axe's violations in the light and then the dark scheme, each line prefixed by its scheme; leaves light set. */
export async function axeInBothSchemes(page: Page): Promise<string[]> {
  const found: string[] = [];
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    found.push(...(await axe(page)).map((line) => `${scheme}: ${line}`));
  }
  await page.emulateMedia({ colorScheme: 'light' });
  return found;
}
