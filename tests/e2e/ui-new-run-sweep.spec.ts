/**
 * Sweeps from the New-run form, in a real browser against a real lab: lr swept over 2 values
 * × repeat 2 seeds is counted live ("Queue 4 runs"), queued as one group, trained to 4
 * completed runs named as `runlab sweep` names them, listed in History filtered to the group,
 * and drawn in Compare as 2 bands. A bad sweep value, too many runs, and a data path the lab
 * refuses are shown on the field they are about, and nothing is queued. The same sweep from
 * `runlab sweep` makes runs named the same way, drawn the same in Compare.
 * Screenshots of the form with a sweep at three sizes, light and dark.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { startRunlab } from '../helpers/runlab-cli';
import { expect, test } from './fixtures/lab-host';
import { axeInBothSchemes, runFolders, saveShots, SHOT_SIZES } from './ui-helpers';

// axe is injected as a script: let it past the page's strict CSP.
test.use({ bypassCSP: true });

async function freshForm(page: Page, url: string): Promise<void> {
  await page.goto(`${url}#/new`);
  // The draft outlives navigation within the page: start from the defaults.
  await page.getByTestId('reset-form').click();
}

test('2 lrs × repeat 2 seeds from the form: one group of 4 completed runs, drawn in Compare as 2 bands', async ({ page, labHost }) => {
  test.setTimeout(180_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await freshForm(page, labHost.url);
  await expect(page.getByTestId('sweep-bar')).toHaveCount(0);
  await page.getByTestId('field-stopAfter').fill('20');

  // Sweep lr: its box starts from the value it held (the default), then takes a list.
  await page.getByTestId('sweep-toggle-lr').click();
  await expect(page.getByTestId('sweep-toggle-lr')).toHaveAttribute('aria-pressed', 'true');
  const lr = page.getByTestId('field-lr');
  await expect(lr).toHaveAttribute('data-swept', 'true');
  await expect(lr).toHaveValue('0.5');
  await expect(page.getByTestId('sweep-count')).toHaveText('1 run');
  await expect(page.getByTestId('start-run')).toHaveText('Start run');
  await lr.fill('0.1, 0.5');
  await expect(page.getByTestId('field-sweep-values-lr')).toHaveText('2 values: 0.1, 0.5');
  await expect(page.getByTestId('sweep-count')).toHaveText('2 runs');
  await expect(page.getByTestId('start-run')).toHaveText('Queue 2 runs');
  await page.getByTestId('sweep-repeat').fill('2');
  await expect(page.getByTestId('sweep-count')).toHaveText('4 runs');
  await expect(page.getByTestId('swept-fields')).toHaveText(/Learning rate × 2/);
  await expect(page.getByTestId('sweep-summary')).toHaveText('Sweeps lr × 2, 2 seeds each');
  await expect(page.getByTestId('config-summary')).toContainText('lr 0.1 / 0.5');
  const start = page.getByTestId('start-run');
  await expect(start).toHaveText('Queue 4 runs');
  await expect(start).toBeEnabled();

  await expect(page.getByTestId('data-preview')).toHaveAttribute('data-status', 'ready');
  await lr.scrollIntoViewIfNeeded();
  expect(await axeInBothSchemes(page)).toEqual([]);
  await saveShots(page, 'new-run-sweep', SHOT_SIZES, ['light', 'dark'], { restore: true });

  await start.click();
  // History, filtered to the new group: every run of it and its status at a glance.
  await expect(page).toHaveURL(/#\/history\?group=sweep-\d{8}-\d{6}-[0-9a-f]{4}$/);
  const group = /group=([^&]+)/.exec(page.url())![1]!;
  await expect(page.getByTestId('history-group-filter')).toContainText('4 runs');
  const rows = page.getByTestId('history-row');
  await expect(rows).toHaveCount(4);
  await expect(page.locator('[data-testid="history-row"] [data-testid="run-status"][data-status="completed"]')).toHaveCount(4, {
    timeout: 150_000,
  });
  const names = await page.getByTestId('run-name-cell').allTextContents();
  expect(names.sort()).toEqual(['sweep lr=0.1 seed=42', 'sweep lr=0.1 seed=43', 'sweep lr=0.5 seed=42', 'sweep lr=0.5 seed=43']);

  // On disk: 4 runs, one group, each with its swept config.
  const ids = await runFolders(labHost.home);
  expect(ids).toHaveLength(4);
  const stored = await Promise.all(
    ids.map(
      async (id) =>
        JSON.parse(await readFile(join(labHost.home, 'runs', id, 'run.json'), 'utf8')) as {
          name: string;
          group: string;
          status: string;
          config: { lr: number; seed: number; stopAfter: number };
        },
    ),
  );
  expect(stored.map((r) => [r.name, r.group, r.status, r.config.lr, r.config.seed, r.config.stopAfter]).sort()).toEqual([
    ['sweep lr=0.1 seed=42', group, 'completed', 0.1, 42, 20],
    ['sweep lr=0.1 seed=43', group, 'completed', 0.1, 43, 20],
    ['sweep lr=0.5 seed=42', group, 'completed', 0.5, 42, 20],
    ['sweep lr=0.5 seed=43', group, 'completed', 0.5, 43, 20],
  ]);
  // Unfiltered, each row's group chip names the group and filters to it again.
  await expect(page.getByTestId('group-chip')).toHaveCount(0);
  await page.getByTestId('clear-group-filter').click();
  await expect(page).toHaveURL(/#\/history$/);
  await expect(page.getByTestId('history-group-filter')).toHaveCount(0);
  await expect(page.getByTestId('group-chip')).toHaveCount(4);
  await expect(page.getByTestId('group-chip').first()).toHaveAttribute('title', `Group ${group}: show only its runs`);
  await expect(page.getByTestId('group-chip').first()).toHaveText(`sweep ${group.slice(-4)}`);
  await page.getByTestId('group-chip').first().click();
  await expect(page).toHaveURL(new RegExp(`#/history\\?group=${group}$`));
  await expect(rows).toHaveCount(4);

  expect(await axeInBothSchemes(page)).toEqual([]);
  await saveShots(page, 'history-sweep-group', SHOT_SIZES, ['light', 'dark'], { restore: true });

  // Select the group's runs → Compare: runs differing only by seed draw as one band per lr.
  await page.getByRole('checkbox', { name: 'Select all shown runs' }).check();
  await page.getByTestId('compare-selected').click();
  await expect(page).toHaveURL(/#\/compare\?runs=/);
  const legend = page.getByTestId('legend-item');
  await expect(legend).toHaveCount(2);
  await expect(legend.nth(0)).toHaveAttribute('data-runs', '2');
  await expect(legend.nth(1)).toHaveAttribute('data-runs', '2');
  expect((await legend.locator('.legend-name').allTextContents()).sort()).toEqual(['sweep lr=0.1', 'sweep lr=0.5']);
  await expect(page.getByTestId('summary-group')).toHaveCount(2);

  // Back in the form the sweep is still set up (it is part of the draft) until Reset.
  await page.getByTestId('nav-new').click();
  await expect(page.getByTestId('start-run')).toHaveText('Queue 4 runs');
  await page.getByTestId('reset-form').click();
  await expect(page.getByTestId('sweep-bar')).toHaveCount(0);
  await expect(page.getByTestId('start-run')).toHaveText('Start run');
});

test('a bad sweep value, too many runs and a data path the lab refuses are shown on their field; nothing is queued', async ({
  page,
  labHost,
}) => {
  await page.setViewportSize({ width: 1280, height: 800 });
  await freshForm(page, labHost.url);
  const start = page.getByTestId('start-run');

  // From the "Sweep…" button: the bar, with no field swept yet.
  await page.getByTestId('open-sweep').click();
  await expect(page.getByTestId('sweep-bar')).toContainText('Mark fields with sweep to give them several values.');
  await page.getByTestId('sweep-toggle-lr').click();
  const lr = page.getByTestId('field-lr');
  await lr.fill('0.1, x');
  await expect(page.getByTestId('field-error-lr')).toHaveText('"x" is not a number (Learning rate)');
  await expect(start).toBeDisabled();
  await expect(page.getByTestId('sweep-count')).toHaveText('– runs');
  await lr.fill('0.1, -1');
  await expect(page.getByTestId('field-error-lr')).toHaveText('-1: Learning rate must be greater than 0');
  await expect(page.getByTestId('invalid-count')).toHaveText('1 field needs fixing before the sweep is queued.');
  await expect(start).toBeDisabled();

  // More than 100 runs: refused in the bar, saying why.
  await lr.fill('0.01:1:11');
  await page.getByTestId('sweep-toggle-seed').click();
  await page.getByTestId('field-seed').fill('1:10:10');
  await expect(page.getByTestId('sweep-count')).toHaveText('110 runs');
  await expect(page.getByTestId('sweep-error')).toHaveText(
    'This sweep makes 110 runs (11 lr × 10 seed), more than 100: sweep fewer values, or draw some at random',
  );
  await expect(start).toHaveText('Queue 110 runs');
  await expect(start).toBeDisabled();
  // A random draw of 8 of them fits.
  await page.getByTestId('sweep-mode').getByRole('radio', { name: 'Random' }).click();
  await page.getByTestId('sweep-random-count').fill('8');
  await expect(start).toHaveText('Queue 8 runs');
  await expect(start).toBeEnabled();
  await page.getByTestId('sweep-random-count').fill('200');
  await expect(page.getByTestId('sweep-error')).toHaveText('Runs must be a whole number from 1 to 100');
  await lr.fill('0.1, x');
  // Once the data preview above has drawn, so the page no longer moves: the fields in sight below the bar.
  await expect(page.getByTestId('data-preview')).toHaveAttribute('data-status', 'ready');
  await page.getByTestId('field-error-lr').scrollIntoViewIfNeeded();
  expect(await axeInBothSchemes(page)).toEqual([]);
  await saveShots(page, 'new-run-sweep-errors', SHOT_SIZES, ['light', 'dark'], { restore: true });
  await page.getByTestId('sweep-random-count').fill('8');
  await page.getByTestId('sweep-toggle-seed').click();
  await page.getByTestId('sweep-mode').getByRole('radio', { name: 'Grid' }).click();

  // The lab checks the data path: its refusal lands on the field, naming the run.
  await lr.fill('0.1, 0.5');
  await expect(page.getByTestId('sweep-count')).toHaveText('2 runs');
  await page.getByTestId('field-dataset').selectOption('csv');
  await page.getByTestId('field-dataPath').fill('/no/such/folder/data.csv');
  await expect(start).toHaveText('Queue 2 runs');
  await start.click();
  await expect(page.getByTestId('field-error-dataPath')).toContainText('Run 1 of the sweep (lr=0.1): ');
  await expect(page.getByTestId('start-error')).toHaveText('The lab refused this configuration: see the fields marked in red.');
  await expect(page).toHaveURL(/#\/new/);
  expect(await runFolders(labHost.home)).toEqual([]);

  // Ending the sweep: lr keeps its first value, Start starts one run again.
  await page.getByTestId('end-sweep').click();
  await expect(page.getByTestId('sweep-bar')).toHaveCount(0);
  await expect(lr).toHaveValue('0.1');
  await expect(start).toHaveText('Start run');
});

test('the same sweep from `runlab sweep`: one group of 4 runs named as the form names them, 2 bands in Compare', async ({
  page,
  labHost,
}) => {
  test.setTimeout(180_000);
  const { code, stdout, stderr } = await startRunlab(
    ['sweep', '--lr', '0.1,0.5', '--repeat', '2', '--stop-after', '20', '--json'],
    labHost.home,
  ).done;
  expect(stderr).not.toMatch(/\n\s+at /);
  expect(code).toBe(0);
  const result = JSON.parse(stdout) as { group: string; runs: { id: string; name: string; status: string }[] };
  expect(result.runs.map((r) => [r.name, r.status])).toEqual([
    ['sweep lr=0.1 seed=42', 'completed'],
    ['sweep lr=0.1 seed=43', 'completed'],
    ['sweep lr=0.5 seed=42', 'completed'],
    ['sweep lr=0.5 seed=43', 'completed'],
  ]);

  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${labHost.url}#/history?group=${result.group}`);
  await expect(page.getByTestId('history-row')).toHaveCount(4);
  await expect(page.getByTestId('history-group-filter')).toContainText('4 runs');
  await page.getByRole('checkbox', { name: 'Select all shown runs' }).check();
  await page.getByTestId('compare-selected').click();
  const legend = page.getByTestId('legend-item');
  await expect(legend).toHaveCount(2);
  expect((await legend.locator('.legend-name').allTextContents()).sort()).toEqual(['sweep lr=0.1', 'sweep lr=0.5']);
  await expect(legend.nth(0)).toHaveAttribute('data-runs', '2');
  await expect(legend.nth(1)).toHaveAttribute('data-runs', '2');
});
