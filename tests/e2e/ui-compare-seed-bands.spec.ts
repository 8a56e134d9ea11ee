/**
 * Seed groups in Compare: four finished runs of one sweep (2 lrs × 2 seeds), picked in
 * History, draw as 2 bands — 2 legend entries of 2 runs each, the tooltip giving the mean
 * and the band's bounds at a point (exact, from the seeded rows); the band switches between
 * min–max and ± std; a group's toggle shows its runs one by one; hide and solo act on the
 * whole group; the summary gives each group's mean ± std with its runs beneath.
 * Screenshots at three sizes, light and dark.
 */
import type { Locator, Page } from '@playwright/test';
import { seedSyntheticRuns, syntheticRows, type SyntheticRunSpec } from '../../bench/synthetic-runs';
import type { EpochRow } from '../../src/shared/records';
import { expect, test } from './fixtures/lab-host';
import { inkedPixels, nextFrames, saveShots, SHOT_SIZES } from './ui-helpers';

const GROUP = 'sweep-20261202-230000-ab12';
const spec = (lr: number, seed: number, floor: number): SyntheticRunSpec => ({
  name: `lr=${lr} seed=${seed}`,
  iterations: 500,
  itersPerEpoch: 100,
  floor,
  seed,
  config: { lr, seed },
  group: GROUP,
});
const SPECS = [spec(0.1, 1, 0.2), spec(0.1, 2, 0.3), spec(0.5, 1, 0.6), spec(0.5, 2, 0.8)];

/** A seeded run's valid loss at an epoch, as stored. */
function validLoss(s: SyntheticRunSpec, epoch: number): number {
  const row = syntheticRows(s, s.config!.lr!).find((r): r is EpochRow => r.kind === 'epoch' && r.epoch === epoch);
  return row!.valid_loss!;
}

/** What the chart's formatNumber(v, 4) shows. */
const four = (v: number) => String(Number(v.toPrecision(4)));
const two = (v: number) => String(Number(v.toPrecision(2)));

/** Hovers the chart at an x value (the axes and plot area as Chart.svelte writes them on the canvas); returns the tooltip's lines. */
async function tooltipAt(page: Page, chart: Locator, x: number): Promise<string[]> {
  const d = await chart.evaluate((el) => ({ ...(el as unknown as { dataset: Record<string, string> }).dataset }));
  const [xMin, xMax, left, right] = [d['xMin'], d['xMax'], d['areaLeft'], d['areaRight']].map(Number) as [number, number, number, number];
  const b = (await chart.boundingBox())!;
  await page.mouse.move(b.x + left + ((x - xMin) / (xMax - xMin)) * (right - left), b.y + b.height * 0.5);
  await nextFrames(page);
  const text = await chart.getAttribute('data-tooltip');
  return (text ?? '').split('\n').filter(Boolean);
}

test('a 2 lrs × 2 seeds sweep draws as 2 bands; toggle, hide and solo act per group', async ({ page, labHost }) => {
  test.setTimeout(90_000);
  const runs = await seedSyntheticRuns(labHost.home, SPECS);
  await page.setViewportSize({ width: 1280, height: 800 });

  // From History: select the group's four runs → Compare.
  await page.goto(`${labHost.url}#/history`);
  for (const run of runs) await page.locator(`[data-testid="history-row"][data-run-id="${run.id}"]`).getByTestId('select-run').check();
  await page.getByTestId('compare-selected').click();
  await expect(page).toHaveURL(/#\/compare\?runs=/);

  const legend = page.getByTestId('legend-item');
  await expect(legend).toHaveCount(2);
  await expect(legend.nth(0)).toHaveAttribute('data-runs', '2');
  await expect(legend.nth(1)).toHaveAttribute('data-runs', '2');
  const names = await legend.locator('.legend-name').allTextContents();
  expect(names.sort()).toEqual(['lr=0.1', 'lr=0.5']);
  const low = page.locator('[data-testid="legend-item"]', { hasText: 'lr=0.1' });
  const high = page.locator('[data-testid="legend-item"]', { hasText: 'lr=0.5' });
  const lowKey = (await low.getAttribute('data-unit-key'))!;
  const highKey = (await high.getAttribute('data-unit-key'))!;
  await expect(page.getByTestId('band-hint')).toContainText('over the steps all its runs have');

  // Valid loss by epoch, no smoothing: at epoch 3 each group's mean and min–max are the seeded values.
  await page.getByTestId('compare-metric').getByRole('radio', { name: 'Valid loss' }).click();
  await page.getByTestId('compare-xaxis').getByRole('radio', { name: 'Epoch' }).click();
  await page.getByTestId('smoothing-slider').fill('0');
  const chart = page.getByTestId('compare-chart');
  await expect.poll(async () => Number(await chart.getAttribute('data-x-max'))).toBe(5);
  const [a1, a2, b1, b2] = SPECS.map((s) => validLoss(s, 3)) as [number, number, number, number];
  const lowLine = `lr=0.1 (2 seeds): mean ${four((a1 + a2) / 2)} (min–max ${four(Math.min(a1, a2))} – ${four(Math.max(a1, a2))})`;
  const highLine = `lr=0.5 (2 seeds): mean ${four((b1 + b2) / 2)} (min–max ${four(Math.min(b1, b2))} – ${four(Math.max(b1, b2))})`;
  await expect.poll(async () => (await tooltipAt(page, chart, 3)).map((l) => l.trim())).toEqual(['Epoch: 3', lowLine, highLine]);

  // ± std: mean ∓ the sample std of the two runs.
  await page.getByTestId('compare-band').getByRole('radio', { name: '± std' }).click();
  const sd = Math.abs(a1 - a2) / Math.SQRT2;
  await expect
    .poll(async () => (await tooltipAt(page, chart, 3))[1]?.trim())
    .toBe(`lr=0.1 (2 seeds): mean ${four((a1 + a2) / 2)} (± std ${four((a1 + a2) / 2 - sd)} – ${four((a1 + a2) / 2 + sd)})`);
  await page.getByTestId('compare-band').getByRole('radio', { name: 'Min–max' }).click();

  // The toggle draws the lr=0.1 group's runs one by one (in its colour), the other stays a band.
  await page.locator(`[data-testid="legend-band-toggle"][data-unit-key="${lowKey}"]`).click();
  await expect
    .poll(async () => (await tooltipAt(page, chart, 3)).map((l) => l.trim()))
    .toEqual(['Epoch: 3', `lr=0.1 seed=1: ${four(a1)}`, `lr=0.1 seed=2: ${four(a2)}`, highLine]);
  await page.locator(`[data-testid="legend-band-toggle"][data-unit-key="${highKey}"]`).click();
  await expect.poll(async () => (await tooltipAt(page, chart, 3)).length).toBe(5);
  await saveShots(page, 'compare-seed-runs', [{ width: 1280, height: 800 }], ['light']);
  for (const key of [lowKey, highKey]) await page.locator(`[data-testid="legend-band-toggle"][data-unit-key="${key}"]`).click();

  // Hide acts on the whole group: its band and mean go, the axes refit to the other one.
  await low.click();
  await expect(low).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => (await tooltipAt(page, chart, 3)).map((l) => l.trim())).toEqual(['Epoch: 3', highLine]);
  await expect.poll(async () => Number(await chart.getAttribute('data-y-min'))).toBeGreaterThan(Math.max(a1, a2));
  await low.click();
  // Solo the other group, then again: all back.
  await page.locator(`[data-testid="legend-solo"][data-unit-key="${lowKey}"]`).click();
  await expect(high).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => (await tooltipAt(page, chart, 3)).map((l) => l.trim())).toEqual(['Epoch: 3', lowLine]);
  await page.locator(`[data-testid="legend-solo"][data-unit-key="${lowKey}"]`).click();
  await expect(page.locator('[data-testid="legend-item"][aria-pressed="true"]')).toHaveCount(2);

  // The band is drawn (the group colour at low alpha fills between its edges).
  await page.mouse.move(0, 0);
  const blue = await inkedPixels(chart, [0x00, 0x72, 0xb2], 60);
  expect(blue).toBeGreaterThan(200);

  // Summary: each group's mean ± std of the final metrics, its runs beneath.
  const groups = page.getByTestId('summary-group');
  await expect(groups).toHaveCount(2);
  const finals = runs.map((r) => r.summary!.final!.valid_loss!);
  const meanA = (finals[0]! + finals[1]!) / 2;
  const sdA = Math.abs(finals[0]! - finals[1]!) / Math.SQRT2;
  const lowRow = page.locator(`[data-testid="summary-group"][data-unit-key="${lowKey}"]`);
  await expect(lowRow.locator('td[data-metric="final_valid_loss"]')).toHaveText(`${four(meanA)} ± ${two(sdA)}`);
  await expect(lowRow.locator('td[data-metric="status"]')).toHaveText('2 completed');
  const rowIds = await page
    .locator('[data-testid="summary-table"] tbody tr')
    .evaluateAll((rows) =>
      rows.map(
        (r) =>
          (r as unknown as { dataset: Record<string, string> }).dataset['unitKey'] ??
          (r as unknown as { dataset: Record<string, string> }).dataset['runId'],
      ),
    );
  expect(rowIds).toEqual([lowKey, runs[0]!.id, runs[1]!.id, highKey, runs[2]!.id, runs[3]!.id]);
  const summary = page.getByTestId('summary-table');
  await saveShots(page, 'compare-seed-summary', SHOT_SIZES, ['light', 'dark'], {
    beforeEach: () => summary.evaluate((el) => (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'center' })),
    restore: true,
  });

  // A bookmark naming the runs opens the same groups.
  await page.goto(`${labHost.url}#/compare?runs=${runs.map((r) => r.id).join(',')}`);
  await page.reload();
  await expect(page.getByTestId('legend-item')).toHaveCount(2);

  await page.getByTestId('compare-metric').getByRole('radio', { name: 'Train loss' }).click();
  await saveShots(page, 'compare-seed-bands', SHOT_SIZES, ['light', 'dark']);
});
