/**
 * Every view with real runs, at 1024×700 and 1920×1080: no horizontal page scroll, no
 * "undefined"/"NaN" on screen, no console errors. Screenshots go to $RUNLAB_SHOTS_DIR (or
 * a temp folder, printed) for a person to look at. With RUNLAB_UPDATE_DOCS_SCREENSHOT=1 it
 * also rewrites docs/screenshot-live.png: the Live view of a run training, at 1280×800.
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from './fixtures/lab-host';
import { expectLiveStatus, livePanel, startRunFromForm } from './ui-helpers';

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1920, height: 1080 },
];

test('every view holds its layout at 1024×700 and 1920×1080', async ({ page, labHost }) => {
  test.setTimeout(180_000);
  const dir = process.env['RUNLAB_SHOTS_DIR'] ?? (await mkdtemp(join(tmpdir(), 'runlab-ui-shots-')));
  await mkdir(dir, { recursive: true });
  console.log(`UI screenshots: ${dir}`);
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(e.message));

  await page.setViewportSize({ width: 1280, height: 800 });
  // Two finished runs of two epochs each (125 iterations an epoch), and a long one that trains.
  const a = await startRunFromForm(page, labHost.url, { stopAfter: '250' }, 'baseline — lesson 9');
  const b = await startRunFromForm(
    page,
    labHost.url,
    { stopAfter: '250', optimizer: 'momentum', lr: '0.1', hidden: '100,50' },
    'momentum, mlp 100-50',
  );
  // Long enough (1,000 epochs) to still be training when the views have been visited and Stop is pressed.
  const live = await startRunFromForm(
    page,
    labHost.url,
    { epochs: '1000', lr: '0.5', schedule: 'one-cycle', hidden: '100' },
    'one-cycle sgd, mlp 100',
  );
  await expectLiveStatus(page, live, 'running', 90_000);
  // Four finished epochs: the accuracy chart has points, the loss chart a real curve.
  const progress = livePanel(page, live).getByTestId('progress');
  await expect
    .poll(async () => Number(await progress.getAttribute('data-iter')), { timeout: 90_000, intervals: [500] })
    .toBeGreaterThan(560);
  await page.waitForTimeout(400);
  await page.screenshot({ path: join(dir, 'live-training-1280x800.png') });
  if (process.env['RUNLAB_UPDATE_DOCS_SCREENSHOT'] === '1') {
    await page.screenshot({ path: join(import.meta.dirname, '../../docs/screenshot-live.png') });
  }

  const views = [
    { name: 'new', hash: '#/new', ready: 'start-run' },
    { name: 'live', hash: `#/live?runs=${live}`, ready: 'loss-chart' },
    { name: 'history', hash: '#/history', ready: 'history-table' },
    { name: 'compare', hash: `#/compare?runs=${a},${b}`, ready: 'compare-table' },
  ];
  for (const size of SIZES) {
    await page.setViewportSize(size);
    for (const view of views) {
      await page.goto(`${labHost.url}${view.hash}`);
      await expect(page.getByTestId(view.ready).first()).toBeVisible();
      await page.waitForTimeout(300);
      await page.screenshot({ path: join(dir, `${view.name}-${size.width}x${size.height}.png`) });
      // Typed structurally: the Node-side tsconfig has no DOM library.
      const overflow = (el: unknown) => {
        const box = el as { scrollWidth: number; clientWidth: number };
        return box.scrollWidth - box.clientWidth;
      };
      const layout = {
        pageScroll: await page.locator('html').evaluate(overflow),
        mainScroll: await page.locator('main').evaluate(overflow),
        text: await page.locator('body').innerText(),
      };
      expect(layout.pageScroll, `${view.name} at ${size.width}: page scrolls sideways`).toBe(0);
      expect(layout.mainScroll, `${view.name} at ${size.width}: main panel scrolls sideways`).toBe(0);
      expect(layout.text, `${view.name} at ${size.width}`).not.toMatch(/\bundefined\b|\bNaN\b/);
    }
  }
  await page.goto(`${labHost.url}#/live?runs=${live}`);
  await livePanel(page, live).getByTestId('stop-run').click();
  await expectLiveStatus(page, live, 'cancelled', 30_000);
  expect(problems).toEqual([]);
});
