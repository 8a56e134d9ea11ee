/**
 * Runs that blow up or never learn, as a person meets them: lr 10 ends `failed` as
 * diverged with the lr to try, lr 1e-7 ends `completed` but flagged "no learning" — in
 * Live, History and Compare.
 */
import { expect, test } from './fixtures/lab-host';
import { expectLiveStatus, livePanel, startRunFromForm } from './ui-helpers';

test('a diverging run fails with the lr to try; a run that never learns is flagged everywhere', async ({ page, labHost }) => {
  test.setTimeout(90_000);
  const diverged = await startRunFromForm(page, labHost.url, { lr: '10', epochs: '2' }, 'lr 10');
  await expectLiveStatus(page, diverged, 'failed');
  await expect(livePanel(page, diverged).getByTestId('run-error')).toContainText(
    /Training diverged .*try a lower learning rate, e\.g\. 1 instead of 10/,
  );

  const stuck = await startRunFromForm(page, labHost.url, { lr: '1e-7', epochs: '1' }, 'lr 1e-7');
  await expectLiveStatus(page, stuck, 'completed');
  await expect(livePanel(page, stuck).getByTestId('run-warning')).toContainText('chance level for 10 classes');

  await page.getByTestId('nav-history').click();
  const row = (id: string) => page.locator(`[data-testid="history-row"][data-run-id="${id}"]`);
  await expect(row(diverged).getByTestId('run-flag')).toHaveAttribute('data-flag', 'diverged');
  await expect(row(diverged).getByTestId('run-status')).toHaveAttribute('data-status', 'failed');
  await expect(row(stuck).getByTestId('run-flag')).toHaveText(/no learning/);
  await expect(row(stuck).getByTestId('run-status')).toHaveAttribute('data-status', 'completed');

  await page.goto(`${labHost.url}#/compare?runs=${diverged},${stuck}`);
  const summary = page.getByTestId('summary-table');
  await expect(summary.locator(`tr[data-run-id="${stuck}"] [data-testid="run-flag"]`)).toHaveAttribute('data-flag', 'not-learning');
  await expect(summary.locator(`tr[data-run-id="${diverged}"] [data-testid="run-flag"]`)).toHaveAttribute('data-flag', 'diverged');
});
