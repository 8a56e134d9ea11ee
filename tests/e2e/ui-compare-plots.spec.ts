/**
 * The Plots panel: parallel coordinates and a scatter that brush runs. Six finished runs
 * (lr from 1e-3 to 0.5, sgd and adam alternating) and one that failed before its first
 * epoch are compared: a brush on the lr axis leaves exactly the runs in that range in the
 * legend and the summary (the failed run too: it has an lr), a rectangle on the scatter
 * narrows them to the one run inside it (the failed run has no accuracy: out), the chip's
 * Clear brings all back; in History a brush on the optimizer axis leaves only the adam
 * rows. With 1,000 runs, History draws the plots and filters by a brush in well under a
 * second; the times are printed. Screenshots at three sizes, light and dark.
 */
import type { Locator, Page } from '@playwright/test';
import { seedManyRuns, seedSyntheticRuns, type SyntheticRunSpec } from '../../bench/synthetic-runs';
import { HyperparamsSchema } from '../../src/shared/hyperparams';
import { RunStore } from '../../src/main/runs/store/store';
import { expect, test } from './fixtures/lab-host';
import { nextFrames, saveShots, SHOT_SIZES } from './ui-helpers';

const LRS = [0.001, 0.003, 0.01, 0.03, 0.1, 0.5] as const;
const FLOORS = [0.9, 0.5, 0.3, 0.2, 0.25, 0.6];
const SPECS: SyntheticRunSpec[] = LRS.map((lr, i) => ({
  name: `lr ${lr}`,
  iterations: 300,
  itersPerEpoch: 100,
  floor: FLOORS[i]!,
  seed: i + 1,
  config: { lr, optimizer: i % 2 === 0 ? 'sgd' : 'adam' },
}));

/** A run that failed before its first epoch ended: an lr, but no results. */
async function seedFailedRun(home: string): Promise<string> {
  const store = new RunStore(home);
  const created = await store.create({
    config: HyperparamsSchema.parse({ lr: 0.01, optimizer: 'momentum' }),
    name: 'failed early',
    status: 'running',
    ownerPid: null,
  });
  await store.update(created.id, (r) => ({
    ...r,
    status: 'failed',
    error: 'Out of memory',
    started: created.created,
    ended: created.created,
    owner_pid: null,
  }));
  return created.id;
}

type Dataset = Record<string, string>;
const dataOf = (l: Locator): Promise<Dataset> => l.evaluate((el) => ({ ...(el as unknown as { dataset: Dataset }).dataset }));

/** Drags along a parallel-coordinates axis from one value to another (positions from the axis' own attributes). */
async function brushAxis(page: Page, panel: Locator, key: string, from: number, to: number): Promise<void> {
  const svg = panel.getByTestId('parallel-coordinates');
  await svg.scrollIntoViewIfNeeded();
  const axis = panel.locator(`[data-testid="pc-axis"][data-axis-key="${key}"]`);
  const d = await dataOf(axis);
  const box = (await svg.boundingBox())!;
  const [top, bottom, x] = [Number(d['top']), Number(d['bottom']), Number(d['x'])];
  const pos = (v: number) => {
    if (d['kind'] === 'category') return v;
    const [min, max] = [Number(d['min']), Number(d['max'])];
    return d['scale'] === 'log' ? (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min)) : (v - min) / (max - min);
  };
  const y = (v: number) => box.y + bottom - pos(v) * (bottom - top);
  await page.mouse.move(box.x + x, y(from));
  await page.mouse.down();
  await page.mouse.move(box.x + x, y(to), { steps: 6 });
  await page.mouse.up();
  await nextFrames(page);
}

/** A value's pixel on the scatter, from the axes and plot area the canvas carries. */
async function scatterPixel(canvas: Locator, x: number, y: number): Promise<{ x: number; y: number }> {
  const d = await dataOf(canvas);
  const box = (await canvas.boundingBox())!;
  const n = (k: string) => Number(d[k]);
  const fx =
    d['xScale'] === 'logarithmic'
      ? (Math.log10(x) - Math.log10(n('xMin'))) / (Math.log10(n('xMax')) - Math.log10(n('xMin')))
      : (x - n('xMin')) / (n('xMax') - n('xMin'));
  const fy = (y - n('yMin')) / (n('yMax') - n('yMin'));
  return {
    x: box.x + n('areaLeft') + fx * (n('areaRight') - n('areaLeft')),
    y: box.y + n('areaBottom') - fy * (n('areaBottom') - n('areaTop')),
  };
}

async function idsOf(items: Locator): Promise<string[]> {
  return (await items.evaluateAll((els) => els.map((el) => el.getAttribute('data-run-id') ?? ''))).sort();
}

/** Screenshots with the plots panel scrolled to the top of the view, at each size and scheme. */
async function shotsOfPanel(page: Page, panel: Locator, name: string): Promise<void> {
  const scrollToPanel = () =>
    panel.evaluate((el) => (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'start' }));
  await saveShots(page, name, SHOT_SIZES, ['light', 'dark'], { beforeEach: scrollToPanel, restore: true });
}

test('Compare: an lr brush and a scatter rectangle leave exactly the runs inside; History filters its rows', async ({ page, labHost }) => {
  test.setTimeout(120_000);
  const seeded = await seedSyntheticRuns(labHost.home, SPECS);
  const failed = await seedFailedRun(labHost.home);
  const idOf = (lr: number) => seeded[LRS.indexOf(lr as (typeof LRS)[number])]!.id;
  const accOf = (lr: number) => seeded[LRS.indexOf(lr as (typeof LRS)[number])]!.summary!.best_valid_accuracy!;
  const all = [...seeded.map((r) => r.id), failed].sort();
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${labHost.url}#/compare?runs=${[...seeded.map((r) => r.id), failed].join(',')}`);

  const panel = page.getByTestId('compare-plots');
  const legend = page.getByTestId('legend-item');
  const summary = page.getByTestId('summary-row');
  await expect(legend).toHaveCount(7);
  // One axis per differing hyperparameter (optimizer, lr) and the two default metrics.
  await expect(panel.getByTestId('pc-axis')).toHaveCount(4);
  expect(await panel.getByTestId('pc-axis').evaluateAll((els) => els.map((el) => el.getAttribute('data-axis-key')))).toEqual([
    'optimizer',
    'lr',
    'best_valid_accuracy',
    'final_valid_loss',
  ]);
  await expect(panel.locator('[data-testid="pc-axis"][data-axis-key="lr"]')).toHaveAttribute('data-scale', 'log');
  await expect(panel.locator('[data-testid="pc-axis"][data-axis-key="optimizer"]')).toHaveAttribute('data-kind', 'category');
  await expect(panel.getByTestId('parallel-coordinates')).toHaveAttribute('data-lines', '7');
  // The failed run sits on the metrics' "none" mark, and is left out of the scatter, both said.
  await expect(panel.getByTestId('pc-missing')).toHaveText('On the “none” mark: 1 without Best val acc, 1 without Valid loss.');
  await expect(panel.getByTestId('scatter-missing')).toHaveText('1 run not shown: no Learning rate or Best val acc yet.');
  const scatter = panel.getByTestId('scatter-plot');
  await expect(scatter).toHaveAttribute('data-points', '6');
  await expect(scatter).toHaveAttribute('data-x-scale', 'logarithmic');

  // The tooltip names the run under the pointer.
  await scatter.scrollIntoViewIfNeeded();
  const p01 = await scatterPixel(scatter, 0.1, accOf(0.1));
  await page.mouse.move(p01.x, p01.y);
  await expect(scatter).toHaveAttribute('data-tooltip', `lr 0.1: Learning rate 0.1, Best val acc ${(accOf(0.1) * 100).toFixed(1)}%`);

  // Brush lr 0.008–0.15 on the parallel coordinates: 0.01, 0.03, 0.1 and the failed run (lr 0.01).
  await brushAxis(page, panel, 'lr', 0.008, 0.15);
  const inLr = [idOf(0.01), idOf(0.03), idOf(0.1), failed].sort();
  await expect(legend).toHaveCount(4);
  expect(await idsOf(legend)).toEqual(inLr);
  expect(await idsOf(summary)).toEqual(inLr);
  await expect(page.getByTestId('plot-filter-text')).toHaveText('Filtered by plot: 4 of 7 runs');
  await expect(panel.getByTestId('pc-brush')).toHaveCount(1);
  await expect(panel.getByTestId('plot-brush-chip')).toHaveText(/^Learning rate 8e-3–0\.15/);
  await expect(panel.getByTestId('parallel-coordinates')).toHaveAttribute('data-inside', '4');
  await shotsOfPanel(page, panel, 'compare-plots-lr-brush');

  // A click on the brushed axis removes its brush; brush it again.
  const lrAxis = panel.locator('[data-testid="pc-axis"][data-axis-key="lr"]');
  await lrAxis.locator('rect.hit').click({ position: { x: 12, y: 20 } });
  await expect(legend).toHaveCount(7);
  await expect(page.getByTestId('plot-filter-chip')).toHaveCount(0);
  await brushAxis(page, panel, 'lr', 0.008, 0.15);
  await expect(legend).toHaveCount(4);

  // A rectangle on the scatter over lr 0.002–0.02 and accuracies above lr 0.003's: only lr 0.01.
  // It replaces the lr brush (one brush per field) and adds one on accuracy, which the failed run lacks.
  const lowAcc = (accOf(0.003) + accOf(0.01)) / 2;
  await scatter.scrollIntoViewIfNeeded();
  const yTop = Number(await scatter.getAttribute('data-y-max')) - 0.001;
  const a = await scatterPixel(scatter, 0.002, yTop);
  const b = await scatterPixel(scatter, 0.02, lowAcc);
  await page.mouse.move(a.x, a.y);
  await page.mouse.down();
  await page.mouse.move(b.x, b.y, { steps: 6 });
  await page.mouse.up();
  await expect(legend).toHaveCount(1);
  expect(await idsOf(legend)).toEqual([idOf(0.01)]);
  expect(await idsOf(summary)).toEqual([idOf(0.01)]);
  await expect(page.getByTestId('plot-filter-text')).toHaveText('Filtered by plot: 1 of 7 runs');
  await expect(panel.getByTestId('plot-brush-chip')).toHaveCount(2);
  await expect(panel.locator('[data-testid="pc-axis"][data-axis-key="best_valid_accuracy"]')).toHaveAttribute('data-brushed', 'true');
  await shotsOfPanel(page, panel, 'compare-plots-scatter-brush');

  // Clear: every run is back in the legend and the summary.
  await page.getByTestId('plot-filter-clear').click();
  await expect(legend).toHaveCount(7);
  expect(await idsOf(summary)).toEqual(all);
  await expect(page.getByTestId('plot-filter-chip')).toHaveCount(0);
  await expect(panel.getByTestId('pc-brush')).toHaveCount(0);

  // History: Plots off by default; on, a brush on the optimizer axis over "adam" leaves the adam rows.
  await page.goto(`${labHost.url}#/history`);
  const rows = page.getByTestId('history-row');
  await expect(rows).toHaveCount(7);
  await expect(page.getByTestId('history-plots')).toHaveCount(0);
  await page.getByTestId('history-plots-toggle').click();
  const hist = page.getByTestId('history-plots');
  await expect(hist.getByTestId('parallel-coordinates')).toHaveAttribute('data-lines', '7');
  // Categories sgd, momentum, adam at positions 0, ½, 1: drag over the top one.
  await brushAxis(page, hist, 'optimizer', 0.9, 1.1);
  const adam = [idOf(0.003), idOf(0.03), idOf(0.5)].sort();
  await expect(rows).toHaveCount(3);
  expect(await idsOf(rows)).toEqual(adam);
  await expect(page.getByTestId('plot-filter-text')).toHaveText('Filtered by plot: 3 of 7 runs');
  await expect(page.getByTestId('history-count')).toHaveText('3 of 7 runs');
  await expect(hist.getByTestId('plot-brush-chip')).toHaveText(/^Optimizer: adam/);
  await shotsOfPanel(page, hist, 'history-plots-brush');
  await page.getByTestId('plot-filter-clear').click();
  await expect(rows).toHaveCount(7);
  await expect(page.getByTestId('history-count')).toHaveText('7 of 7 runs');
});

test('History with 1,000 runs: the plots draw and a brush filters without freezing', async ({ page, labHost }) => {
  test.setTimeout(120_000);
  await seedManyRuns(labHost.home, 1000);
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${labHost.url}#/history`);
  await expect(page.getByTestId('history-count')).toHaveText('1000 of 1000 runs');

  // From the click on Plots to both plots drawn and painted (two frames after).
  const drawMs = Number(
    await page.evaluate(`(async () => {
      const t0 = performance.now();
      document.querySelector('[data-testid="history-plots-toggle"]').click();
      await new Promise((resolve) => {
        const check = () => {
          const pc = document.querySelector('[data-testid="parallel-coordinates"]');
          const sc = document.querySelector('[data-testid="scatter-plot"]');
          if (pc && sc && sc.dataset.points) resolve();
          else requestAnimationFrame(check);
        };
        check();
      });
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      return performance.now() - t0;
    })()`),
  );
  const panel = page.getByTestId('history-plots');
  await expect(panel.getByTestId('parallel-coordinates')).toHaveAttribute('data-lines', '1000');
  await expect(panel.getByTestId('scatter-plot')).toHaveAttribute('data-points', '1000');
  // One path per colour, not one element per run.
  expect(Number(await panel.getByTestId('parallel-coordinates').getAttribute('data-paths'))).toBeLessThanOrEqual(16);

  // lr cycles through 0.5, 0.1, 0.05, 0.01, 3e-3: a brush over 0.04–0.2 holds 400 runs.
  const t0 = Date.now();
  await brushAxis(page, panel, 'lr', 0.04, 0.2);
  await expect(page.getByTestId('plot-filter-text')).toHaveText('Filtered by plot: 400 of 1000 runs');
  const brushMs = Date.now() - t0;
  await expect(page.getByTestId('history-count')).toHaveText('400 of 1000 runs');
  const lrCells = await page.locator('[data-testid="history-row"] td[data-col="lr"]').allTextContents();
  expect(lrCells.length).toBeGreaterThan(5);
  expect(new Set(lrCells)).toEqual(new Set(['0.1', '0.05']));
  await expect(panel.getByTestId('parallel-coordinates')).toHaveAttribute('data-inside', '400');

  console.log(`Plots of 1,000 runs: drawn in ${drawMs.toFixed(0)} ms; a brush filtered the table in ${brushMs} ms (drag included)`);
  test
    .info()
    .annotations.push({ type: 'plots-draw-ms', description: drawMs.toFixed(0) }, { type: 'brush-ms', description: String(brushMs) });
  expect(drawMs).toBeLessThan(1500);
  await shotsOfPanel(page, panel, 'history-plots-1000');
});

test('Compare of long-named runs: every summary column shows, unused settings say so, scatter ticks are round', async ({
  page,
  labHost,
}) => {
  test.setTimeout(120_000);
  // Runs of 30, 3 and 10 epochs; two on plain sgd (whose momentum is stored but unused), all MLPs
  // (their conv filters unused, and stored differently on two of them).
  const seeded = await seedSyntheticRuns(labHost.home, [
    { name: 'sweep lr=0.1 seed=42', iterations: 3000, itersPerEpoch: 100, floor: 0.2, seed: 1, config: { lr: 0.1, epochs: 30 } },
    {
      name: 'sweep lr=0.5 seed=42',
      iterations: 300,
      itersPerEpoch: 100,
      floor: 0.4,
      seed: 2,
      config: { lr: 0.5, epochs: 3, filters: [32, 64], momentum: 0.5 },
    },
    {
      name: 'sweep lr=0.1 seed=7 momentum',
      iterations: 1000,
      itersPerEpoch: 100,
      floor: 0.3,
      seed: 3,
      config: { lr: 0.1, epochs: 10, optimizer: 'momentum' },
    },
  ]);
  const [a, b, c] = seeded.map((r) => r.id) as [string, string, string];
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.goto(`${labHost.url}#/compare?runs=${a},${b},${c}`);
  await expect(page.getByTestId('summary-row')).toHaveCount(3);

  // 1. At 1280×800 (and 1920×1080) every summary header lies inside the table's visible box, no scroll needed.
  const scroll = page.getByTestId('summary-scroll');
  const headers = page.getByTestId('summary-table').locator('thead th');
  await expect(headers).toHaveCount(10);
  for (const size of [
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ]) {
    await page.setViewportSize(size);
    await nextFrames(page);
    const box = (await scroll.boundingBox())!;
    for (const th of await headers.all()) {
      const cell = (await th.boundingBox())!;
      expect(cell.x, `${await th.textContent()} at ${size.width}`).toBeGreaterThanOrEqual(box.x - 0.5);
      expect(cell.x + cell.width, `${await th.textContent()} at ${size.width}`).toBeLessThanOrEqual(box.x + box.width + 0.5);
    }
    await expect(scroll).toHaveAttribute('data-more', '');
  }
  expect((await headers.allTextContents()).map((t) => t.trim())).toEqual([
    'Run',
    'Status',
    'Best val acc',
    'Final val acc',
    'Valid loss',
    'Train loss',
    'Epochs',
    'Iterations',
    'Samples/s',
    'Duration',
  ]);
  await expect(page.locator(`[data-testid="summary-row"][data-run-id="${a}"] td[data-metric="iterations"]`)).toHaveText('3,000');
  // At 1024×700 the table either fits or its right edge fades to say more columns lie beyond.
  await page.setViewportSize({ width: 1024, height: 700 });
  await nextFrames(page);
  const overflows = await scroll.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
  await expect(scroll).toHaveAttribute('data-more', overflows ? 'right' : '');
  if (overflows) {
    await scroll.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await expect(scroll).toHaveAttribute('data-more', 'left');
  }
  await page.setViewportSize({ width: 1280, height: 800 });

  // 2. Momentum on sgd and conv filters on an MLP read "not used", the stored value in the tooltip.
  const table = page.getByTestId('compare-table');
  const cells = (field: string) => table.locator(`tr[data-field="${field}"] td`);
  await expect(cells('momentum')).toHaveText(['— (not used by sgd)', '— (not used by sgd)', '0.9']);
  await expect(cells('momentum').nth(1)).toHaveAttribute('title', 'Stored: 0.5; this run does not use momentum');
  await expect(cells('momentum').nth(0)).toHaveClass(/\bunused\b/);
  await expect(cells('momentum').nth(2)).not.toHaveClass(/\bunused\b/);
  await expect(cells('filters')).toHaveText(['— (not used by mlp)', '— (not used by mlp)', '— (not used by mlp)']);
  await expect(cells('filters').nth(1)).toHaveAttribute('title', 'Stored: 32, 64; this run does not use conv filters');
  await expect(cells('hidden')).toHaveText(['50', '50', '50']);
  await expect(table.locator('tr[data-field="filters"]')).not.toHaveClass(/\bdiff\b/);
  await expect(table.locator('tr[data-field="momentum"]')).toHaveClass(/\bdiff\b/);
  await page.getByTestId('diff-only-toggle').check();
  expect(await table.getByTestId('config-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-field')))).toEqual([
    'epochs',
    'optimizer',
    'lr',
    'momentum',
  ]);
  await page.getByTestId('diff-only-toggle').uncheck();

  // 3. The scatter's x over 3, 10 and 30 epochs is labelled 10, 20, 30, as the parallel axis is.
  const panel = page.getByTestId('compare-plots');
  // Unused settings make no axis: no Conv filters (all MLPs), no Momentum (one run uses it).
  expect(await panel.getByTestId('pc-axis').evaluateAll((els) => els.map((el) => el.getAttribute('data-axis-key')))).toEqual([
    'epochs',
    'optimizer',
    'lr',
    'best_valid_accuracy',
    'final_valid_loss',
  ]);
  await panel.getByTestId('scatter-x').selectOption('epochs');
  const scatter = panel.getByTestId('scatter-plot');
  await expect(scatter).toHaveAttribute('data-x-ticks', '10|20|30');
  // Each parallel tick label holds its full text in a <title> too: read that.
  const pcTicks = (key: string) => panel.locator(`[data-testid="pc-axis"][data-axis-key="${key}"] text.tick-label title`).allTextContents();
  expect(await pcTicks('epochs')).toEqual(['10', '20', '30']);
  await expect(scatter).toHaveAttribute('data-y-ticks', (await pcTicks('best_valid_accuracy')).join('|'));

  const summaryPanel = page.getByTestId('summary-table');
  await saveShots(page, 'compare-fit-summary', SHOT_SIZES, ['light', 'dark'], {
    beforeEach: () =>
      summaryPanel.evaluate((el) => (el as unknown as { scrollIntoView(o: object): void }).scrollIntoView({ block: 'center' })),
    restore: true,
  });
  await shotsOfPanel(page, panel, 'compare-fit-plots');
});
