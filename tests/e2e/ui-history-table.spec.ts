/**
 * History with 1,000 runs: only the rows near the viewport are in the DOM, scrolling and
 * sorting reach every run, Name and the actions stay pinned while the other columns scroll
 * and nothing is covered at the end of the scroll, the default sort column is on screen,
 * the columns chooser keeps its choice, and Escape in a row menu gives focus back.
 */
import type { Locator, Page } from '@playwright/test';
import { seedManyRuns } from '../../bench/synthetic-runs';
import { expect, test } from './fixtures/lab-host';
import { nextFrames, saveShots } from './ui-helpers';

type Box = { x: number; y: number; width: number; height: number };

async function box(locator: Locator): Promise<Box> {
  const b = await locator.boundingBox();
  if (!b) throw new Error('element has no box (not visible)');
  return b;
}

/** Sets the table's scroll position and waits a frame for the virtual window to follow. */
async function scrollTable(page: Page, to: { top?: number; left?: number }): Promise<void> {
  await page.getByTestId('history-scroll').evaluate((el, pos) => {
    const e = el as unknown as { scrollTop: number; scrollLeft: number; scrollHeight: number; scrollWidth: number };
    if (pos.top !== undefined) e.scrollTop = pos.top < 0 ? e.scrollHeight : pos.top;
    if (pos.left !== undefined) e.scrollLeft = pos.left < 0 ? e.scrollWidth : pos.left;
  }, to);
  await nextFrames(page);
}

test('1,000 runs: virtual rows, pinned columns, sort on screen, columns chooser', async ({ page, labHost }) => {
  test.setTimeout(120_000);
  const seeded = await seedManyRuns(labHost.home, 1000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${labHost.url}#/history`);
  await expect(page.getByTestId('history-count')).toHaveText('1000 of 1000 runs');
  const rows = page.getByTestId('history-row');
  expect(await rows.count()).toBeLessThan(80);
  // Newest first, and the page says so; the Created column is on screen at 1280 px.
  await expect(page.getByTestId('history-sorted-by')).toContainText('Sorted by Created, newest first');
  const newest = seeded.at(-1)!;
  await expect(rows.first()).toHaveAttribute('data-run-id', newest.id);
  const scroller = await box(page.getByTestId('history-scroll'));
  const actions = await box(page.locator('thead th.actions-col'));
  for (const key of [
    'name',
    'status',
    'created',
    'bestValidAccuracy',
    'finalValidLoss',
    'model',
    'optimizer',
    'lr',
    'epochs',
    'durationMs',
  ]) {
    const header = await box(page.getByTestId(`sort-${key}`));
    expect(header.x, `${key} starts inside the table`).toBeGreaterThanOrEqual(scroller.x);
    expect(header.x + header.width, `${key} ends before the pinned actions`).toBeLessThanOrEqual(actions.x + 1);
  }
  await saveShots(page, 'history-1000', [{ width: 1280, height: 800 }]);

  // The last run is a scroll away, and still only a window of rows is rendered.
  await scrollTable(page, { top: -1 });
  await expect(page.locator(`[data-testid="history-row"][data-run-id="${seeded[0]!.id}"]`)).toBeVisible();
  expect(await rows.count()).toBeLessThan(80);
  await scrollTable(page, { top: 0 });

  // Sorting reaches all 1,000: the best run comes first, the worst last.
  await page.getByTestId('sort-bestValidAccuracy').click();
  await expect(page.getByTestId('history-sorted-by')).toContainText('Best val acc, highest first');
  const byAccuracy = [...seeded].sort((a, b) => b.summary!.best_valid_accuracy! - a.summary!.best_valid_accuracy!);
  await expect(rows.first()).toHaveAttribute('data-run-id', byAccuracy[0]!.id);
  await scrollTable(page, { top: -1 });
  await expect(page.locator(`[data-testid="history-row"][data-run-id="${byAccuracy.at(-1)!.id}"]`)).toBeVisible();
  await scrollTable(page, { top: 0 });

  // Narrow: columns scroll sideways under a pinned Name and pinned actions.
  await page.setViewportSize({ width: 1024, height: 700 });
  const first = rows.first();
  const nameBefore = await box(first.locator('td.name-cell'));
  const menuBefore = await box(first.getByTestId('row-menu'));
  await scrollTable(page, { left: -1 });
  expect((await box(first.locator('td.name-cell'))).x).toBeCloseTo(nameBefore.x, 0);
  expect((await box(first.getByTestId('row-menu'))).x).toBeCloseTo(menuBefore.x, 0);
  // At the end of the scroll the last column is whole: the pinned actions cover nothing.
  const lastCell = await box(first.locator('td[data-col="durationMs"]'));
  const actionsCell = await box(first.locator('td.actions-col'));
  expect(lastCell.x + lastCell.width).toBeLessThanOrEqual(actionsCell.x + 0.5);
  await expect(first.locator('td[data-col="epochs"]')).toHaveText(String(byAccuracy[0]!.config.epochs));
  await saveShots(page, 'history-1000-scrolled', [{ width: 1024, height: 700 }]);
  await scrollTable(page, { left: 0 });

  // The columns chooser: Dataset on, kept across a reload, reset to the defaults.
  await page.getByTestId('columns-chooser').click();
  await page.getByTestId('column-toggle-dataset').check();
  await expect(page.getByTestId('sort-dataset')).toBeVisible();
  await expect(page.getByTestId('column-toggle-name')).toBeDisabled();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('columns-list')).toHaveCount(0);
  await expect(page.getByTestId('columns-chooser')).toBeFocused();
  await page.reload();
  await expect(page.getByTestId('sort-dataset')).toBeVisible();
  await expect(rows.first().locator('td[data-col="dataset"]')).toHaveText('mnist-sample');
  await page.getByTestId('columns-chooser').click();
  await page.getByTestId('columns-reset').click();
  await expect(page.getByTestId('sort-dataset')).toHaveCount(0);
  await page.keyboard.press('Escape');

  // Escape in a row menu returns focus to its button, not to <body>.
  const menuButton = rows.first().getByTestId('row-menu');
  await menuButton.click();
  await expect(page.getByTestId('action-menu')).toBeVisible();
  await expect(page.getByTestId('menu-open')).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(page.getByTestId('menu-rename')).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('action-menu')).toHaveCount(0);
  await expect(menuButton).toBeFocused();
});
