/**
 * History and Compare with real runs: two runs that differ in lr are compared (the lr row
 * is highlighted, "Differences only" hides equal rows); a name made of HTML stays text;
 * rename, tags and notes, export and delete work from the row menu.
 */
import { expect, test } from './fixtures/lab-host';
import { expectLiveStatus, inkedPixels, runFolders, SERIES_BLUE, startRunFromForm } from './ui-helpers';

test('two runs with different lr: the lr row differs, "Differences only" hides equal rows', async ({ page, labHost }) => {
  // Two trainer processes start one after the other: on a busy 2-core machine that alone can take a minute.
  test.setTimeout(150_000);
  const a = await startRunFromForm(page, labHost.url, { stopAfter: '15', lr: '0.5' }, 'lr 0.5');
  const b = await startRunFromForm(page, labHost.url, { stopAfter: '15', lr: '1e-1' }, 'lr 0.1');
  await expectLiveStatus(page, b, 'completed');

  await page.getByTestId('nav-history').click();
  for (const id of [a, b]) {
    const row = page.locator(`[data-testid="history-row"][data-run-id="${id}"]`);
    await expect(row.getByTestId('run-status')).toHaveAttribute('data-status', 'completed');
    await row.getByTestId('select-run').check();
  }
  await page.getByTestId('compare-selected').click();
  await expect(page).toHaveURL(new RegExp(`#/compare\\?runs=(${a},${b}|${b},${a})$`));

  const table = page.getByTestId('compare-table');
  const lr = table.locator('tr[data-field="lr"]');
  const seed = table.locator('tr[data-field="seed"]');
  await expect(lr).toHaveClass(/\bdiff\b/);
  await expect(lr).toContainText('0.5');
  await expect(lr).toContainText('0.1');
  await expect(seed).not.toHaveClass(/\bdiff\b/);
  await expect(seed).toBeVisible();

  await page.getByTestId('diff-only-toggle').check();
  await expect(seed).toHaveCount(0);
  await expect(lr).toBeVisible();
  await page.getByTestId('diff-only-toggle').uncheck();
  await expect(seed).toBeVisible();

  // Both curves are drawn; switching axis and smoothing redraws without losing them.
  const chart = page.getByTestId('compare-chart');
  await expect.poll(() => inkedPixels(chart, SERIES_BLUE)).toBeGreaterThan(150);
  await page.getByTestId('compare-xaxis').getByRole('radio', { name: 'Wall time' }).click();
  await page.getByTestId('smoothing-slider').fill('0.9');
  await expect(page.getByTestId('smoothing-value')).toHaveText('0.90');
  await expect.poll(() => inkedPixels(chart, SERIES_BLUE)).toBeGreaterThan(150);
  await expect(page.getByTestId('summary-table')).toContainText('Best val acc');
  await expect(page.getByTestId('summary-row')).toHaveCount(2);
});

test('a run named with HTML is shown as literal text, never as markup', async ({ page, labHost }) => {
  const name = '<img src=x onerror=alert(1)>';
  const dialogs: string[] = [];
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    void d.dismiss();
  });
  const id = await startRunFromForm(page, labHost.url, { stopAfter: '5' }, name);
  await expect(page.getByTestId('live-run-name')).toHaveText(name);
  await expectLiveStatus(page, id, 'completed');

  await page.getByTestId('nav-history').click();
  await expect(page.locator(`[data-testid="history-row"][data-run-id="${id}"] [data-testid="run-name-cell"]`)).toHaveText(name);
  await page.getByTestId('nav-compare').click();
  await expect(page.getByTestId('compare-pick').filter({ hasText: name })).toHaveCount(1);
  expect(await page.locator('img').count()).toBe(0);
  expect(dialogs).toEqual([]);
});

test('rename, tags and notes, export and delete from the row menu', async ({ page, labHost }) => {
  const id = await startRunFromForm(page, labHost.url, { stopAfter: '5' }, 'to rename');
  await expectLiveStatus(page, id, 'completed');
  await page.getByTestId('nav-history').click();
  const row = page.locator(`[data-testid="history-row"][data-run-id="${id}"]`);

  await row.getByTestId('row-menu').click();
  await page.getByTestId('menu-rename').click();
  await page.getByTestId('rename-input').fill('renamed run');
  await page.getByTestId('rename-input').press('Enter');
  await expect(row.getByTestId('run-name-cell')).toHaveText('renamed run');

  // Tags and notes: a refused tag is named in the dialog, which stays open; then saved and shown.
  await row.getByTestId('row-menu').click();
  await page.getByTestId('menu-edit').click();
  const dialog = page.getByTestId('edit-run-dialog');
  await expect(dialog).toContainText('Tags and notes — renamed run');
  await page.getByTestId('edit-tags').fill(`alpha, ${'x'.repeat(51)}`);
  await page.getByTestId('edit-notes').fill('lr 0.5 is the baseline');
  await page.getByTestId('edit-save').click();
  await expect(dialog.getByRole('alert')).toContainText('A tag must be at most 50 characters');
  await expect(dialog).toBeVisible();
  await page.getByTestId('edit-tags').fill('alpha, baseline');
  await page.getByTestId('edit-save').click();
  await expect(dialog).toBeHidden();
  await expect(row.locator('.tag')).toHaveText(['alpha', 'baseline']);
  await page.getByTestId('history-filter').fill('baseline');
  await expect(page.getByTestId('history-row')).toHaveCount(1);
  await page.getByTestId('history-filter').fill('');
  await row.getByTestId('row-menu').click();
  await page.getByTestId('menu-edit').click();
  await expect(page.getByTestId('edit-tags')).toHaveValue('alpha, baseline');
  await expect(page.getByTestId('edit-notes')).toHaveValue('lr 0.5 is the baseline');
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();

  await row.getByTestId('row-menu').click();
  const download = page.waitForEvent('download');
  await page.getByTestId('menu-export-iterations-csv').click();
  const file = await download;
  // Named after the run, one row per iteration, units in the header.
  expect(file.suggestedFilename()).toBe('renamed-run-iterations.csv');
  const csv = Buffer.concat(await (await file.createReadStream()).toArray())
    .toString('utf8')
    .split('\n');
  expect(csv[0]).toBe('iteration,epoch,loss,lr,elapsed_s');
  expect(csv.slice(1, 6).map((l) => l.split(',')[0])).toEqual(['1', '2', '3', '4', '5']);

  await row.getByTestId('row-menu').click();
  await page.getByTestId('menu-delete').click();
  await expect(page.getByTestId('confirm-dialog')).toContainText('renamed run');
  await page.getByTestId('confirm-dialog-confirm').click();
  await expect(row).toHaveCount(0);
  await expect(page.getByTestId('empty-state')).toContainText('No runs yet');
  expect(await runFolders(labHost.home)).toEqual([]);
});
