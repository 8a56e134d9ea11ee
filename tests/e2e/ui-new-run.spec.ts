/**
 * The New-run form in a real browser against a real lab: a valid config trains and its
 * charts draw live; invalid values are refused inline, naming the field, and nothing is
 * created on disk.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initBackend } from '../../src/main/training/backend';
import { loadModel } from '../../src/main/training/models/load-model';
import { expect, test } from './fixtures/lab-host';
import { expectLiveStatus, inkedPixels, livePanel, runFolders, saveShots, SERIES_BLUE, startRunFromForm } from './ui-helpers';

test('a run started from the form trains live, ends completed and appears in History', async ({ page, labHost }) => {
  const id = await startRunFromForm(page, labHost.url, { stopAfter: '30' }, 'form run');
  const panel = livePanel(page, id);
  const lossChart = panel.getByTestId('loss-chart');

  // Before the first rows: nothing blue on the loss chart.
  const before = await inkedPixels(lossChart, SERIES_BLUE);
  await expectLiveStatus(page, id, 'completed');
  await expect(panel.getByTestId('progress')).toHaveAttribute('data-iter', '30');
  await expect(panel.getByTestId('progress')).toContainText('Iteration 30 /');
  // The train-loss line is on the canvas now, drawn by coalesced frame updates.
  await expect.poll(() => inkedPixels(lossChart, SERIES_BLUE)).toBeGreaterThan(before + 150);
  expect(Number(await lossChart.getAttribute('data-renders'))).toBeGreaterThan(1);
  await expect(panel.getByTestId('run-summary')).toContainText('stopped by');
  await expect(panel.getByTestId('live-backend')).toContainText(/wasm|cpu|tensorflow/);

  await page.getByTestId('nav-history').click();
  const row = page.locator(`[data-testid="history-row"][data-run-id="${id}"]`);
  await expect(row).toContainText('form run');
  await expect(row.getByTestId('run-status')).toHaveAttribute('data-status', 'completed');
  expect(await runFolders(labHost.home)).toEqual([id]);
});

test('dropout and batch norm from the form: the run trains a model with both, whose checkpoints load back', async ({ page, labHost }) => {
  await page.goto(`${labHost.url}#/new`);
  await expect(page.getByTestId('field-dropout')).toBeVisible();
  await expect(page.getByTestId('field-batchNorm').getByRole('radio', { name: 'off', exact: true })).toHaveAttribute(
    'aria-checked',
    'true',
  );
  const id = await startRunFromForm(page, labHost.url, { dropout: '0.3', batchNorm: 'on', epochs: '2', batchSize: '500' }, 'bn dropout');
  await expectLiveStatus(page, id, 'completed');
  const run = JSON.parse(await readFile(join(labHost.home, 'runs', id, 'run.json'), 'utf8')) as { config: Record<string, unknown> };
  expect(run.config).toMatchObject({ dropout: 0.3, batchNorm: 'on' });
  await initBackend('cpu');
  for (const folder of ['last', 'best']) {
    const model = await loadModel(join(labHost.home, 'runs', id, 'model', folder));
    expect(model.layers.map((l) => l.toJSON().class_name)).toEqual(['Dense', 'BatchNormalization', 'Dropout', 'Dense']);
    model.dispose();
  }
});

test('the wider-CNN preset shows Conv filters 32,64 (CNN only) and trains a CNN with those filters', async ({ page, labHost }) => {
  await page.goto(`${labHost.url}#/new`);
  await page.getByTestId('reset-form').click();
  // An MLP has no filters to set.
  await expect(page.getByTestId('field-filters')).toHaveCount(0);
  await page.getByTestId('preset-cnn-wide').click();
  await expect(page.getByTestId('field-filters')).toHaveValue('32,64');
  await expect(page.getByTestId('field-hidden')).toHaveCount(0);
  await saveShots(page, 'new-run-cnn-wide', [
    { width: 1024, height: 700 },
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ]);
  await page.getByTestId('field-stopAfter').fill('3');
  await page.getByTestId('start-run').click();
  const panel = page.getByTestId('live-run');
  const id = (await panel.getAttribute('data-run-id'))!;
  await expectLiveStatus(page, id, 'completed');
  await expect(panel).toContainText('cnn 32-64');
  const run = JSON.parse(await readFile(join(labHost.home, 'runs', id, 'run.json'), 'utf8')) as {
    config: Record<string, unknown>;
    name: string;
  };
  expect(run.config).toMatchObject({ model: 'cnn', filters: [32, 64] });
  expect(run.name).toMatch(/^cnn-32-64 adam/);
});

for (const { key, value, message } of [
  { key: 'lr', value: '-1', message: 'Learning rate must be greater than 0' },
  { key: 'batchSize', value: '0', message: 'Batch size must be at least 1' },
  { key: 'dropout', value: '0.95', message: 'Dropout must be at most 0.9' },
]) {
  test(`${key} = ${value} is refused inline, naming the field, and no run is created`, async ({ page, labHost }) => {
    await page.goto(`${labHost.url}#/new`);
    await expect(page.getByTestId('start-run')).toBeEnabled();
    await page.getByTestId(`field-${key}`).fill(value);
    await expect(page.getByTestId(`field-error-${key}`)).toHaveText(message);
    await expect(page.getByTestId(`field-${key}`)).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByTestId('start-run')).toBeDisabled();
    // Enter in the field submits the form: it must not start anything either.
    await page.getByTestId(`field-${key}`).press('Enter');

    await page.getByTestId('nav-history').click();
    await expect(page.getByTestId('empty-state')).toContainText('No runs yet — start one from New run');
    expect(await runFolders(labHost.home)).toEqual([]);

    // Fixing the value clears the error and enables Start again.
    await page.getByTestId('nav-new').click();
    await page.getByTestId(`field-${key}`).fill('');
    await expect(page.getByTestId(`field-error-${key}`)).toHaveCount(0);
    await expect(page.getByTestId('start-run')).toBeEnabled();
  });
}
