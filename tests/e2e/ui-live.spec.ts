/**
 * Live view: a long run streams progress and can be stopped from its panel; the run ends
 * 'cancelled' with its rows kept. A data path that does not exist never makes a run; data
 * that cannot be parsed makes one that fails and says why.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, test } from './fixtures/lab-host';
import { expectLiveStatus, inkedPixels, livePanel, runFolders, SERIES_BLUE, startRunFromForm } from './ui-helpers';

test('Stop cancels a running run, which keeps what it recorded', async ({ page, labHost }) => {
  const id = await startRunFromForm(page, labHost.url, { epochs: '500', lr: '0.1' }, 'long run');
  const panel = livePanel(page, id);
  await expectLiveStatus(page, id, 'running');

  // Progress advances while it trains.
  const progress = panel.getByTestId('progress');
  await expect.poll(async () => Number(await progress.getAttribute('data-iter')), { timeout: 30_000 }).toBeGreaterThan(20);
  const first = Number(await progress.getAttribute('data-iter'));
  await expect.poll(async () => Number(await progress.getAttribute('data-iter')), { timeout: 30_000 }).toBeGreaterThan(first);
  await expect(progress).toContainText('/ 500');
  // The loss tile is the latest batch's (History's train loss is an epoch's average): it says so.
  await expect(panel.getByTestId('tiles')).toContainText('Last batch loss');
  await expect(panel.getByTestId('eta')).not.toHaveText('—');
  await expect(page.getByTestId('active-count')).toHaveText('1');

  // While it trains, History shows its last finished epoch (an epoch is 125 iterations)…
  await expect.poll(async () => Number(await progress.getAttribute('data-iter')), { timeout: 30_000 }).toBeGreaterThan(130);
  await page.goto(`${labHost.url}#/history`);
  const row = page.locator(`[data-testid="history-row"][data-run-id="${id}"]`);
  await expect(row.getByTestId('run-status')).toHaveAttribute('data-status', 'running');
  for (const col of ['bestValidAccuracy', 'finalValidLoss']) await expect(row.locator(`td[data-col="${col}"]`)).toHaveText(/\d/);
  // …and so does Compare's summary, from the same place.
  await page.goto(`${labHost.url}#/compare?runs=${id}`);
  for (const metric of ['best_valid_accuracy', 'final_valid_loss', 'epochs', 'iterations']) {
    await expect(page.getByTestId('summary-table').locator(`td[data-metric="${metric}"]`)).toHaveText(/\d/);
  }
  await page.goto(`${labHost.url}#/live?runs=${id}`);
  await expectLiveStatus(page, id, 'running');

  await panel.getByTestId('stop-run').click();
  await expectLiveStatus(page, id, 'cancelled', 20_000);
  await expect(panel.getByTestId('stop-run')).toHaveCount(0);
  await expect(page.getByTestId('active-count')).toHaveCount(0);
  expect(await inkedPixels(panel.getByTestId('loss-chart'), SERIES_BLUE)).toBeGreaterThan(150);

  // After a reload the history still has it, with its rows.
  await page.goto(`${labHost.url}#/live?runs=${id}`);
  await expectLiveStatus(page, id, 'cancelled');
  await expect.poll(() => inkedPixels(livePanel(page, id).getByTestId('loss-chart'), SERIES_BLUE)).toBeGreaterThan(150);
});

test('a data path that does not exist is refused on its field, and no run is created', async ({ page, labHost }) => {
  const missing = '/nonexistent/runlab-e2e/digits.csv';
  await page.goto(`${labHost.url}#/new`);
  await page.getByTestId('reset-form').click();
  await page.getByTestId('field-dataset').selectOption('csv');
  await page.getByTestId('field-dataPath').fill(missing);
  await page.getByTestId('start-run').click();
  await expect(page.getByTestId('field-error-dataPath')).toHaveText(`File not found: ${missing}`);
  expect(page.url()).toContain('#/new');
  expect(await runFolders(labHost.home)).toEqual([]);
});

test('a run whose data cannot be loaded ends failed and says why', async ({ page, labHost }) => {
  // The file exists (so the form lets it through) but its third line is short a column.
  const csv = join(labHost.home, 'ragged.csv');
  await writeFile(csv, 'label,a,b\n1,0.5,0.25\n0,0.75\n');
  const id = await startRunFromForm(page, labHost.url, { dataset: 'csv', dataPath: csv }, 'ragged csv');
  await expectLiveStatus(page, id, 'failed');
  await expect(livePanel(page, id).getByTestId('run-error')).toContainText('ragged.csv');
  await expect(livePanel(page, id).getByTestId('run-error')).toContainText('line 3');
  await expect(livePanel(page, id).getByTestId('stop-run')).toHaveCount(0);
  // No empty chart frames for a run that never trained: one line says so.
  await expect(livePanel(page, id).getByTestId('no-metrics')).toBeVisible();
  await expect(livePanel(page, id).getByTestId('loss-chart')).toHaveCount(0);
});
