/**
 * A run's model in Chromium: train a 3-class image folder from the form, then in its Run
 * view try the model on a chosen file and a drawing, read its interpretation (confusion
 * matrix, per-class accuracy, top losses) and download it as a zip; and the LR finder from
 * the form: the plot with its suggestions, "Use this lr" filling the form, the run in
 * History and its plot in Live. Screenshots at 1024×700 and 1920×1080 go to
 * $RUNLAB_SHOTS_DIR (or a temp folder).
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import type { Locator, Page } from '@playwright/test';
import { RunStore } from '../../src/main/runs/store/store';
import { encodeImage, patternPixels, writeImageFolder } from '../helpers/image-folders';
import { expect, test } from './fixtures/lab-host';
import { expectLiveStatus, livePanel, saveShots, startRunFromForm } from './ui-helpers';

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1920, height: 1080 },
];

/** Nothing wider than the window, and no "undefined" or "NaN" on the page, at each size. */
async function shotsLookRight(page: Page, name: string, show?: Locator): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await show?.scrollIntoViewIfNeeded();
    await saveShots(page, `${name}`, [size]);
    const overflow = await page.locator('main').evaluate((el) => el.scrollWidth - el.clientWidth);
    expect(overflow, `${name} at ${size.width} scrolls sideways`).toBe(0);
    expect(await page.locator('body').innerText(), `${name} at ${size.width}`).not.toMatch(/\bundefined\b|\bNaN\b/);
  }
}

test('try the model on a file and a drawing, interpret it, download it', async ({ page, labHost }) => {
  test.setTimeout(180_000);
  const data = join(labHost.home, 'shapes');
  await writeImageFolder(data, { classes: ['stripes-h', 'stripes-v', 'square'], perClass: 40, seed: 5 });
  let seed = 11;
  const random = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  const square = join(labHost.home, 'my-square.png');
  await writeFile(square, await encodeImage(patternPixels('square', 28, 28, 1, random), 28, 28, 1, 'png'));

  await page.setViewportSize(SIZES[1]!);
  const id = await startRunFromForm(page, labHost.url, { dataset: 'images', dataPath: data, epochs: '3', lr: '0.1' }, 'shapes');
  await expectLiveStatus(page, id, 'completed', 90_000);
  await livePanel(page, id).getByTestId('use-model').click();
  await expect(page.getByTestId('run-view-name')).toHaveText('shapes');
  await expect(page.getByTestId('run-view-meta')).toContainText('3 classes (square, stripes-h, stripes-v) · 28×28 grey');

  // A file, as if dropped: the model says square first, with the three classes listed best first.
  await page.getByTestId('image-input').setInputFiles(square);
  const filed = page.locator('[data-testid="prediction"][data-name="my-square.png"]');
  await expect(filed.getByTestId('prediction-class')).toHaveCount(3, { timeout: 30_000 });
  await expect(filed.getByTestId('prediction-class').first()).toContainText('square');
  const percents = (await filed.getByTestId('prediction-class').allInnerTexts()).map((t) => Number(/([\d.]+)%/.exec(t)![1]));
  expect([...percents].sort((a, b) => b - a)).toEqual(percents);

  // A drawing (28×28 grey models get a canvas): three strokes, lifted, give a prediction too.
  const canvas = page.getByTestId('draw-canvas');
  const box = (await canvas.boundingBox())!;
  for (const [x0, y0, x1, y1] of [
    [0.3, 0.3, 0.7, 0.3],
    [0.3, 0.5, 0.7, 0.5],
    [0.3, 0.7, 0.7, 0.7],
  ] as const) {
    await page.mouse.move(box.x + x0 * box.width, box.y + y0 * box.height);
    await page.mouse.down();
    await page.mouse.move(box.x + x1 * box.width, box.y + y1 * box.height, { steps: 8 });
    await page.mouse.up();
  }
  const drawn = page.locator('[data-testid="prediction"][data-name="drawing"]');
  await expect(drawn).toHaveCount(1);
  await expect(drawn.getByTestId('prediction-class')).toHaveCount(3, { timeout: 30_000 });
  await shotsLookRight(page, 'try-model');
  await page.setViewportSize(SIZES[1]!);

  // Interpretation: a 3×3 confusion matrix whose rows sum to the 8 validation images of each class.
  await page.getByTestId('run-tabs').getByRole('radio', { name: 'Interpretation' }).click();
  await expect(page.getByTestId('interpretation')).toHaveAttribute('data-status', 'ready', { timeout: 30_000 });
  const rows = page.getByTestId('confusion-matrix').locator('tbody tr');
  await expect(rows).toHaveCount(3);
  await expect(rows.first().locator('th')).toHaveText('square');
  for (let r = 0; r < 3; r++) {
    const cells = (await rows.nth(r).locator('td').allInnerTexts()).map(Number);
    expect(cells.reduce((a, b) => a + b, 0)).toBe(8);
  }
  await expect(page.getByTestId('per-class').locator('li')).toHaveCount(3);
  await expect(page.getByTestId('top-losses').locator('img').first()).toBeVisible();
  const stored = await new RunStore(labHost.home).get(id);
  const accuracy = `${(stored.summary!.final!.valid_accuracy! * 100).toFixed(1)}%`;
  await expect(page.getByTestId('interpretation-facts')).toContainText(`Accuracy ${accuracy} on 24 validation samples`);
  await page.getByTestId('cm-mode').getByRole('radio', { name: 'Row %' }).click();
  const shares = (await rows.first().locator('td').allInnerTexts()).map(Number);
  expect(Math.abs(shares.reduce((a, b) => a + b, 0) - 100)).toBeLessThanOrEqual(2);
  await shotsLookRight(page, 'interpretation');
  await page.setViewportSize(SIZES[1]!);

  // The model as a zip: model.json, weights and classes.json with the class names.
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-model').click()]);
  expect(download.suggestedFilename()).toBe('shapes-best-model.zip');
  const saved = join(labHost.home, 'model.zip');
  await download.saveAs(saved);
  const entries = unzipSync(await readFile(saved));
  expect(Object.keys(entries).sort()).toEqual(['classes.json', 'model.json', 'weights.bin']);
  expect(JSON.parse(new TextDecoder().decode(entries['classes.json'])).classes).toEqual(['square', 'stripes-h', 'stripes-v']);
});

test('the LR finder from the form: plot with suggestions, "Use this lr" fills the form, in History and Live', async ({ page, labHost }) => {
  test.setTimeout(120_000);
  await page.setViewportSize(SIZES[1]!);
  await page.goto(`${labHost.url}#/new`);
  await page.getByTestId('reset-form').click();
  await page.getByTestId('field-optimizer').getByRole('radio', { name: 'adam', exact: true }).click();
  await page.getByTestId('find-lr').click();
  const finder = page.getByTestId('lr-finder');
  await expect(finder).toBeVisible();
  await expect(page.getByTestId('lr-suggestions')).toBeVisible({ timeout: 60_000 });
  const id = (await finder.getAttribute('data-run-id'))!;
  const stored = await new RunStore(labHost.home).get(id);
  expect(stored.kind).toBe('lr-find');
  // Each suggestion shown is the stored one.
  for (const key of ['valley', 'steep', 'minimum'] as const) {
    const shown = Number(await page.getByTestId(`lr-value-${key}`).getAttribute('data-value'));
    expect(shown).toBe(stored.lr_find!.suggestions[key]);
    expect(shown).toBeGreaterThan(1e-7);
  }
  await expect(page.getByTestId('lr-find-note')).toContainText(`${stored.lr_find!.lrs.length} iterations, lr 1e-7`);
  // The curve and the three marks are drawn (Chart.js draws on a canvas: the DOM says nothing).
  const canvas = page.getByTestId('lr-find-chart');
  await expect.poll(async () => Number(await canvas.getAttribute('data-renders'))).toBeGreaterThan(0);
  await shotsLookRight(page, 'lr-finder-form', finder);
  await page.setViewportSize(SIZES[1]!);

  const valley = stored.lr_find!.suggestions.valley!;
  await page.getByTestId('use-lr-valley').click();
  expect(Number(await page.getByTestId('field-lr').inputValue())).toBe(Number(valley.toPrecision(3)));
  await expect(page.getByTestId('field-optimizer')).toHaveAttribute('data-value', 'adam');

  // In History it is marked as an LR finder; opened, Live shows its plot and "Use this lr" opens the form with it.
  await page.getByTestId('nav-history').click();
  const badge = page.getByTestId('kind-lr-find');
  await expect(badge).toHaveCount(1);
  await expect(badge).toHaveText('LR finder');
  await shotsLookRight(page, 'history-lr-find', badge);
  await page.setViewportSize(SIZES[1]!);
  await page.getByTestId('run-name-cell').filter({ hasText: 'lr-find' }).click();
  await expect(livePanel(page, id).getByTestId('lr-suggestions')).toBeVisible();
  await expect(livePanel(page, id).getByTestId('live-kind')).toHaveText('LR finder');
  await shotsLookRight(page, 'lr-finder-live');
  await page.setViewportSize(SIZES[1]!);
  await livePanel(page, id).getByTestId('use-lr-steep').click();
  const steep = stored.lr_find!.suggestions.steep!;
  expect(Number(await page.getByTestId('field-lr').inputValue())).toBe(Number(steep.toPrecision(3)));
  await expect(page.getByTestId('draft-origin')).toContainText('from the LR finder');
});
