/**
 * Live's learning-rate panel: a run whose lr is constant shows it as one line of text (the
 * chart opens on request and collapses again); a scheduled run keeps its chart.
 */
import { seedSyntheticRuns } from '../../bench/synthetic-runs';
import { expect, test } from './fixtures/lab-host';
import { livePanel, saveShots } from './ui-helpers';

test('a constant lr collapses to a line; a schedule keeps its chart', async ({ page, labHost }) => {
  const [flat, cosine] = await seedSyntheticRuns(labHost.home, [
    { name: 'constant lr', iterations: 300, itersPerEpoch: 100, lrCurve: 'constant', config: { lr: 0.1, schedule: 'constant' } },
    { name: 'cosine lr', iterations: 300, itersPerEpoch: 100, config: { lr: 0.1, schedule: 'cosine' } },
  ]);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${labHost.url}#/live?runs=${flat!.id}`);
  const panel = livePanel(page, flat!.id);
  await expect(panel.getByTestId('lr-collapsed')).toContainText('0.1, constant (no schedule)');
  await expect(panel.getByTestId('lr-chart')).toHaveCount(0);
  await saveShots(page, 'live-lr-constant', [{ width: 1280, height: 800 }], ['light', 'dark']);
  await panel.getByTestId('lr-show').click();
  await expect(panel.getByTestId('lr-chart')).toBeVisible();
  await panel.getByTestId('lr-hide').click();
  await expect(panel.getByTestId('lr-collapsed')).toBeVisible();

  await page.goto(`${labHost.url}#/live?runs=${cosine!.id}`);
  const scheduled = livePanel(page, cosine!.id);
  await expect(scheduled.getByTestId('lr-chart')).toBeVisible();
  await expect(scheduled.getByTestId('lr-collapsed')).toHaveCount(0);
  await expect(scheduled.getByTestId('lr-hide')).toHaveCount(0);
});
