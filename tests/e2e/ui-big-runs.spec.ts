/**
 * Big and damaged runs in the UI (issue 12, cases 4 and 5): a run of more rows than getMetrics
 * sends opens in Compare and Live at chart resolution (its one-row spike still drawn), and a
 * run whose metrics.jsonl has a bad line in the middle opens beside it with the damage named
 * instead of failing the comparison; a run folder whose run.json is broken is listed with its
 * reason and deleted from History. The runs are written into the lab's data folder directly.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { DEFAULT_HYPERPARAMS } from '../../src/shared/hyperparams';
import { METRICS_MAX_ROWS } from '../../src/shared/metrics-view';
import type { MetricRow } from '../../src/shared/records';
import { toJsonl } from '../../src/main/runs/store/jsonl';
import { RunStore } from '../../src/main/runs/store/store';
import type { Locator } from '@playwright/test';
import { expect, test } from './fixtures/lab-host';
import { inkedPixels, saveShots, SERIES_BLUE } from './ui-helpers';

const BIG = METRICS_MAX_ROWS + 30_000;

function metrics(n: number, spikeAt: number | null): MetricRow[] {
  const out: MetricRow[] = [];
  for (let i = 1; i <= n; i++) {
    out.push({ kind: 'iter', iter: i, epoch: i / 1000, loss: i === spikeAt ? 40 : 2 * Math.exp(-i / 20_000) + 0.1, lr: 0.5, t: i * 2 });
    if (i % 1000 === 0) {
      out.push({
        kind: 'epoch',
        epoch: i / 1000,
        iter: i,
        train_loss: 0.4,
        train_accuracy: 0.9,
        valid_loss: 0.5,
        valid_accuracy: 0.88,
        seconds: 2,
        t: i * 2,
      });
    }
  }
  return out;
}

/** Pixels of the first series' blue in a rectangle, given in fractions of the canvas size. */
function bluePixelsIn(canvas: Locator, box: { left: number; right: number; top: number; bottom: number }): Promise<number> {
  return canvas.evaluate(
    (el, { box, rgb }) => {
      const c = el as unknown as {
        width: number;
        height: number;
        getContext(kind: '2d'): { getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray } };
      };
      const [x0, y0] = [Math.floor(c.width * box.left), Math.floor(c.height * box.top)];
      const [w, h] = [Math.floor(c.width * box.right) - x0, Math.floor(c.height * box.bottom) - y0];
      const data = c.getContext('2d').getImageData(x0, y0, w, h).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (data[i + 3]! > 200 && Math.abs(data[i]! - rgb[0]) + Math.abs(data[i + 1]! - rgb[1]) + Math.abs(data[i + 2]! - rgb[2]) <= 40)
          n++;
      }
      return n;
    },
    { box, rgb: SERIES_BLUE },
  );
}

async function storedRun(home: string, name: string, text: string): Promise<string> {
  const store = new RunStore(home);
  const run = await store.create({ config: DEFAULT_HYPERPARAMS, name, ownerPid: null });
  await store.update(run.id, (r) => ({ ...r, status: 'completed', started: r.created, ended: new Date().toISOString() }));
  await writeFile(join(home, 'runs', run.id, 'metrics.jsonl'), text);
  return run.id;
}

test('a run too big for getMetrics opens in Compare and Live, beside a run with a damaged line', async ({ page, labHost }) => {
  const big = await storedRun(labHost.home, 'big run', toJsonl(metrics(BIG, 60_000)));
  const rows = toJsonl(metrics(3000, null)).split('\n');
  rows.splice(1500, 0, '{"kind":"iter","iter": oops');
  const damaged = await storedRun(labHost.home, 'damaged run', rows.join('\n'));

  await page.goto(`${labHost.url}#/compare?runs=${big},${damaged}`);
  const chart = page.getByTestId('compare-chart');
  // The big run's line (blue) across the whole chart, not just its legend swatch (~100 pixels).
  await expect.poll(() => inkedPixels(chart, SERIES_BLUE), { timeout: 20_000 }).toBeGreaterThan(800);
  await expect(page.locator('.callout.error')).toHaveCount(0);
  await expect(page.getByTestId('metrics-damage')).toHaveText(
    /^Metrics of damaged run: 1 line of .*metrics\.jsonl is not a metric row and was skipped \(line 1501; line 1501 is not valid JSON/,
  );
  await expect(page.getByTestId('summary-row')).toHaveCount(2);
  // The spike at iteration 60,000 (loss 40, against ~0.2 around it) survives the buckets: the y axis reaches it.
  await page.getByTestId('smoothing-slider').fill('0');
  // Around iteration 60,000 (three quarters across) the loss is ~0.15: only the spike puts blue high up there.
  await expect.poll(() => bluePixelsIn(chart, { left: 0.7, right: 0.8, top: 0.15, bottom: 0.5 })).toBeGreaterThan(5);
  for (const [width, height] of [
    [1024, 700],
    [1280, 800],
    [1920, 1080],
  ] as const) {
    await page.setViewportSize({ width, height });
    await page.screenshot({ path: test.info().outputPath(`compare-big-${width}x${height}.png`) });
  }

  await page.goto(`${labHost.url}#/live?runs=${big}`);
  await expect(page.locator(`[data-testid="live-run"][data-run-id="${big}"]`)).toBeVisible();
  await expect(page.locator('.callout.error')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('live-big-1280x800.png') });
});

test('a damaged run folder is listed in History with its reason and can be deleted there, the other runs kept', async ({
  page,
  labHost,
}) => {
  const good = await storedRun(labHost.home, 'good run', '');
  const badId = '20261203-120000-dead';
  const badDir = join(labHost.home, 'runs', badId);
  await mkdir(badDir, { recursive: true });
  await writeFile(join(badDir, 'run.json'), '{"id": broken');
  await page.goto(`${labHost.url}#/history`);
  const bad = page.locator(`[data-testid="history-row"][data-run-id="${badId}"]`);
  await expect(bad.getByTestId('damaged-reason')).toHaveText(`${join(badDir, 'run.json')} is not valid JSON (unexpected character)`);
  await saveShots(page, 'history-damaged');
  await bad.getByRole('button', { name: `Delete damaged run ${badId}` }).click();
  await expect(page.getByTestId('delete-damaged-reason')).toHaveText(
    `${join(badDir, 'run.json')} is not valid JSON (unexpected character)`,
  );
  await saveShots(page, 'history-damaged-delete', [{ width: 1024, height: 700 }], ['light', 'dark']);
  await page.getByTestId('confirm-dialog-confirm').click();
  await expect(bad).toHaveCount(0);
  await expect(page.getByTestId('history-count')).toHaveText('1 of 1 runs');
  await expect(page.locator(`[data-testid="history-row"][data-run-id="${good}"]`)).toHaveCount(1);
  expect(existsSync(badDir)).toBe(false);
  expect(existsSync(join(labHost.home, 'runs', good, 'run.json'))).toBe(true);
});
