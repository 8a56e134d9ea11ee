/**
 * The Compare chart for real experiment work: one long run beside short ones, one with an
 * early spike. Hiding a run in the legend drops its raw and smoothed lines and the axes
 * refit; solo shows one run; a drag zooms, double-click and `r` reset; a typed range sets
 * the axes (a bad one is named); log/linear switches by click and by `y`; zoomed in, the
 * spike is not lost and out of view it no longer sets the y axis. Screenshots at three
 * sizes, light and dark.
 */
import type { Locator, Page } from '@playwright/test';
import { seedSyntheticRuns } from '../../bench/synthetic-runs';
import { expect, test } from './fixtures/lab-host';
import { inkedPixels, nextFrames, saveShots } from './ui-helpers';

/** The chart's axes as drawn (Chart.svelte writes them on the canvas after each render). */
async function axes(chart: Locator) {
  return chart.evaluate((el) => {
    const d = (el as unknown as { dataset: Record<string, string> }).dataset;
    return { xMin: Number(d['xMin']), xMax: Number(d['xMax']), yMin: Number(d['yMin']), yMax: Number(d['yMax']), yScale: d['yScale'] };
  });
}

async function dragOnChart(page: Page, chart: Locator, from: [number, number], to: [number, number]) {
  const b = (await chart.boundingBox())!;
  await page.mouse.move(b.x + b.width * from[0], b.y + b.height * from[1]);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width * ((from[0] + to[0]) / 2), b.y + b.height * ((from[1] + to[1]) / 2), { steps: 3 });
  await page.mouse.move(b.x + b.width * to[0], b.y + b.height * to[1], { steps: 3 });
  await page.mouse.up();
  await nextFrames(page);
}

const ORANGE: [number, number, number] = [0xe6, 0x9f, 0x00];

test('zoom, range, log scale and hide/solo on the Compare chart', async ({ page, labHost }) => {
  test.setTimeout(90_000);
  const seeded = await seedSyntheticRuns(labHost.home, [
    { name: 'long 34 epochs', iterations: 3400, itersPerEpoch: 100, floor: 0.1, seed: 1 },
    { name: 'short spike', iterations: 500, itersPerEpoch: 100, floor: 0.3, seed: 2, spikes: { 30: 600 } },
    { name: 'short b', iterations: 500, itersPerEpoch: 100, floor: 0.4, seed: 3 },
    { name: 'short c', iterations: 500, itersPerEpoch: 100, floor: 0.5, seed: 4 },
  ]);
  const [long, spike, b, c] = seeded.map((r) => r.id);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${labHost.url}#/compare?runs=${[long, spike, b, c].join(',')}`);
  const chart = page.getByTestId('compare-chart');
  // The line reaches the last iteration (the envelope keeps a series' ends).
  await expect.poll(async () => (await axes(chart)).xMax).toBe(3400);
  // The spike (600) is smoothed away in the line people read: y fits the smoothed lines, not 600.
  expect((await axes(chart)).yMax).toBeLessThan(600);
  await saveShots(page, 'compare-chart', [{ width: 1280, height: 800 }], ['light']);

  // Hide the long run: its raw and smoothed lines go and x refits to the short runs.
  const legendLong = page.locator(`[data-testid="legend-item"][data-run-id="${long}"]`);
  await legendLong.click();
  await expect(legendLong).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => (await axes(chart)).xMax).toBe(500);
  await legendLong.click();
  await expect.poll(async () => (await axes(chart)).xMax).toBe(3400);

  // Solo the second run (orange): only it is drawn; solo again shows all.
  const soloSpike = page.locator(`[data-testid="legend-solo"][data-run-id="${spike}"]`);
  await soloSpike.click();
  for (const id of [long, b, c])
    await expect(page.locator(`[data-testid="legend-item"][data-run-id="${id}"]`)).toHaveAttribute('aria-pressed', 'false');
  await expect.poll(async () => (await axes(chart)).xMax).toBe(500);
  expect(await inkedPixels(chart, ORANGE)).toBeGreaterThan(100);
  await soloSpike.click();
  await expect(page.locator('[data-testid="legend-item"][aria-pressed="true"]')).toHaveCount(4);

  // Drag across x from 20 % to 40 % of the plot: x zooms, y fits what is in view.
  await dragOnChart(page, chart, [0.3, 0.5], [0.5, 0.5]);
  await expect.poll(async () => (await axes(chart)).xMin).toBeGreaterThan(500);
  const zoomed = await axes(chart);
  expect(zoomed.xMax).toBeLessThan(2400);
  expect(zoomed.xMax - zoomed.xMin).toBeGreaterThan(300);
  await expect(page.getByTestId('range-x-from')).not.toHaveValue('');
  await expect(page.getByTestId('reset-zoom')).toBeEnabled();
  await chart.dblclick();
  await expect.poll(async () => (await axes(chart)).xMax).toBe(3400);
  expect((await axes(chart)).xMin).toBe(0);

  // A typed range; Enter applies it. The spike run solo with smoothing off: at full view y reaches 600…
  await page.getByTestId('smoothing-slider').fill('0');
  await page.locator(`[data-testid="legend-solo"][data-run-id="${spike}"]`).click();
  await expect.poll(async () => (await axes(chart)).yMax).toBeGreaterThan(600);
  // …zoomed onto the spike it is still drawn (envelope downsampling keeps it) …
  await page.getByTestId('range-x-from').fill('20');
  await page.getByTestId('range-x-to').fill('40');
  await page.getByTestId('range-x-to').press('Enter');
  await expect.poll(async () => (await axes(chart)).xMin).toBe(20);
  expect((await axes(chart)).xMax).toBe(40);
  expect((await axes(chart)).yMax).toBeGreaterThan(600);
  // …and past it the y axis no longer reaches for it.
  await page.getByTestId('range-x-from').fill('100');
  await page.getByTestId('range-x-to').fill('400');
  await page.getByTestId('range-x-to').press('Enter');
  await expect.poll(async () => (await axes(chart)).xMin).toBe(100);
  expect((await axes(chart)).yMax).toBeLessThan(5);
  // A bad range is named and changes nothing.
  await page.getByTestId('range-x-from').fill('300');
  await page.getByTestId('range-x-to').fill('200');
  await page.getByTestId('range-x-to').press('Enter');
  await expect(page.getByTestId('range-error')).toHaveText('Axis range: x from (300) must be below x to (200).');
  expect((await axes(chart)).xMin).toBe(100);
  // `r` resets the zoom (focus off the inputs: shortcuts never take typed keys).
  await page.getByTestId('range-x-to').blur();
  await page.keyboard.press('r');
  await expect.poll(async () => (await axes(chart)).xMin).toBe(0);
  expect((await axes(chart)).xMax).toBe(500);
  await soloSpike.click();

  // Log y by click and by `y`.
  await page.getByTestId('compare-yscale').getByRole('radio', { name: 'Log' }).click();
  await expect.poll(async () => (await axes(chart)).yScale).toBe('logarithmic');
  await page.getByTestId('compare-yscale').getByRole('radio', { name: 'Log' }).blur();
  await page.keyboard.press('y');
  await expect.poll(async () => (await axes(chart)).yScale).toBe('linear');
  await page.keyboard.press('y');
  await expect.poll(async () => (await axes(chart)).yScale).toBe('logarithmic');
  await page.getByTestId('smoothing-slider').fill('0.6');
  await saveShots(
    page,
    'compare-chart-log',
    [
      { width: 1024, height: 700 },
      { width: 1280, height: 800 },
      { width: 1920, height: 1080 },
    ],
    ['light', 'dark'],
  );
});
