/**
 * Run control in the browser UI: Pause holds a training run (no new rows) and Resume goes
 * on; a live edit of the lr takes effect at the iteration the toast names (the stored rows
 * say so), is listed with the run's events and marked on its charts; the callback timeline
 * fills in. A stopped run resumes from History's row menu and ends completed in the same
 * run; a fork from its panel starts at the parent's epoch and Compare draws it as a branch
 * of the parent's curve, the fork point marked. Screenshots at 1024×700, 1280×800 and
 * 1920×1080 go to $RUNLAB_SHOTS_DIR (or a temp folder, printed).
 */
import { readFile } from 'node:fs/promises';
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { IterRow, MetricRow, RunRecord } from '../../src/shared/records';
import { expect, test } from './fixtures/lab-host';
import { expectLiveStatus, inkedPixels, livePanel, nextFrames, startRunFromForm } from './ui-helpers';

const SIZES = [
  { width: 1024, height: 700 },
  { width: 1280, height: 800 },
  { width: 1920, height: 1080 },
];

async function shotsDir(): Promise<string> {
  const dir = process.env['RUNLAB_SHOTS_DIR'] ?? (await mkdtemp(join(tmpdir(), 'runlab-run-control-shots-')));
  await mkdir(dir, { recursive: true });
  console.log(`run-control screenshots: ${dir}`);
  return dir;
}

/** At each size: `prepare` (what a resize undoes, like an open menu), then the checks and the picture. */
async function screenshots(page: Page, dir: string, name: string, prepare?: () => Promise<void>): Promise<void> {
  for (const size of SIZES) {
    await page.setViewportSize(size);
    await nextFrames(page);
    await prepare?.();
    await page.waitForTimeout(150);
    // No horizontal page scroll, nothing unset on screen.
    expect(await page.evaluate('document.documentElement.scrollWidth <= window.innerWidth')).toBe(true);
    // Word bounded: TerminateOnNaN is a callback's name in the timeline.
    await expect(page.locator('body')).not.toContainText(/\bundefined\b|\bNaN\b/);
    await page.screenshot({ path: join(dir, `${name}-${size.width}x${size.height}.png`) });
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

async function storedRows(home: string, id: string): Promise<MetricRow[]> {
  const text = await readFile(join(home, 'runs', id, 'metrics.jsonl'), 'utf8');
  return text
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as MetricRow);
}

async function storedRecord(home: string, id: string): Promise<RunRecord> {
  return JSON.parse(await readFile(join(home, 'runs', id, 'run.json'), 'utf8')) as RunRecord;
}

const iterOf = async (page: Page, id: string) => Number(await livePanel(page, id).getByTestId('progress').getAttribute('data-iter'));

test('Pause holds a run, a live edit changes its lr at the stated iteration and is marked, Resume goes on', async ({ page, labHost }) => {
  test.setTimeout(150_000);
  const dir = await shotsDir();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  await page.setViewportSize({ width: 1280, height: 800 });
  const id = await startRunFromForm(page, labHost.url, { epochs: '1000', lr: '0.1' }, 'paused and edited');
  const panel = livePanel(page, id);
  await expectLiveStatus(page, id, 'running', 60_000);
  await expect.poll(() => iterOf(page, id), { timeout: 60_000 }).toBeGreaterThan(150);

  await panel.getByTestId('pause-run').click();
  await expect(panel.getByTestId('paused-badge')).toBeVisible({ timeout: 15_000 });
  await expect(panel.getByTestId('eta')).toHaveText('paused');
  const pausedAt = await iterOf(page, id);
  const rowsPaused = (await storedRows(labHost.home, id)).length;
  await page.waitForTimeout(1500);
  expect(await iterOf(page, id)).toBe(pausedAt);
  expect((await storedRows(labHost.home, id)).length).toBe(rowsPaused);

  // A live edit while paused: the dialog shows the lr in force and refuses a bad value on its field.
  await panel.getByTestId('live-edit-run').click();
  const dialog = page.getByTestId('live-edit-dialog');
  await expect(dialog.getByTestId('live-edit-lr')).toHaveValue('0.1');
  await dialog.getByTestId('live-edit-lr').fill('-1');
  await dialog.getByTestId('live-edit-apply').click();
  await expect(dialog.getByTestId('live-edit-error')).toHaveText('Learning rate must be greater than 0');
  await dialog.getByTestId('live-edit-lr').fill('0.05');
  await expect(dialog.getByTestId('live-edit-error')).toHaveCount(0);
  await screenshots(page, dir, 'live-edit-dialog');
  await dialog.getByTestId('live-edit-apply').click();
  await expect(dialog).toBeHidden();
  await expect(page.getByTestId('toast').filter({ hasText: `lr 0.1 → 0.05 from iteration ${pausedAt + 1}` })).toBeVisible();
  await expect(panel.getByTestId('run-events')).toContainText(`iteration ${pausedAt + 1} · lr 0.1 → 0.05 · from the UI`);
  await expect(panel.getByTestId('loss-chart')).toHaveAttribute('data-markers', 'lr 0.05');
  await expect(panel.getByTestId('lr-chart')).toHaveAttribute('data-markers', 'lr 0.05');
  await expect(panel.getByTestId('live-hypers')).toContainText('lr 0.05 (was 0.1)');

  await panel.getByTestId('resume-run').click();
  await expect(panel.getByTestId('paused-badge')).toHaveCount(0, { timeout: 15_000 });
  await expect.poll(() => iterOf(page, id), { timeout: 30_000 }).toBeGreaterThan(pausedAt + 130);
  // The callback timeline is live: every hook of the loop's callbacks, with its share of a step.
  const timeline = panel.getByTestId('callback-timeline');
  await expect(timeline.getByTestId('timeline-summary')).toContainText(/callbacks take \d+(\.\d+)? % of a step/);
  await expect(timeline.locator('[data-testid="timeline-row"][data-callback="RecorderCallback"]').first()).toBeVisible();
  await screenshots(page, dir, 'live-edited-running');
  await page.getByTestId('callback-timeline').scrollIntoViewIfNeeded();
  await screenshots(page, dir, 'live-timeline');

  await panel.getByTestId('stop-run').click();
  await expectLiveStatus(page, id, 'cancelled', 30_000);
  // The stored rows: the old lr through the pause, the new one from the iteration the toast named.
  const iters = (await storedRows(labHost.home, id)).filter((r): r is IterRow => r.kind === 'iter');
  const lr = (iter: number) => iters.find((r) => r.iter === iter)?.lr;
  expect([lr(pausedAt), lr(pausedAt + 1), lr(pausedAt + 100)]).toEqual([0.1, 0.05, 0.05]);
  const record = await storedRecord(labHost.home, id);
  expect(record.events?.map((e) => [e.kind, e.by, e.iter])).toEqual([
    ['pause', 'ui', pausedAt],
    ['edit', 'ui', pausedAt + 1],
    ['continue', 'ui', pausedAt],
  ]);
  // Compare marks the edit too, and its table says the lr changed during the run.
  await page.goto(`${labHost.url}#/compare?runs=${id}`);
  await expect(page.getByTestId('compare-chart')).toHaveAttribute('data-markers', 'lr 0.05');
  await expect(page.locator('[data-testid="config-row"][data-field="lr"] td')).toHaveText('0.1 → 0.05 (changed during the run)');
  expect(problems).toEqual([]);
});

test('Resume from History trains a stopped run on; a fork branches off its parent in Compare', async ({ page, labHost }) => {
  test.setTimeout(180_000);
  const dir = await shotsDir();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(m.text());
  });
  await page.setViewportSize({ width: 1280, height: 800 });
  // 30 epochs of 125 iterations: stopped after its second epoch, long before its end.
  const id = await startRunFromForm(page, labHost.url, { epochs: '30', optimizer: 'momentum', lr: '0.05' }, 'stopped, then resumed');
  const panel = livePanel(page, id);
  await expectLiveStatus(page, id, 'running', 60_000);
  await expect.poll(() => iterOf(page, id), { timeout: 60_000 }).toBeGreaterThan(260);
  await panel.getByTestId('stop-run').click();
  await expectLiveStatus(page, id, 'cancelled', 30_000);
  const stoppedAt = (await storedRecord(labHost.home, id)).checkpoint!;
  expect(stoppedAt.iter).toBeGreaterThan(250);

  await page.goto(`${labHost.url}#/history`);
  const row = page.locator(`[data-testid="history-row"][data-run-id="${id}"]`);
  const resume = page.getByRole('menuitem', { name: 'Resume' });
  const openMenu = async () => {
    if (await resume.isVisible()) await page.keyboard.press('Escape');
    await row.getByTestId('row-menu').click();
    await expect(resume).toBeVisible();
  };
  await screenshots(page, dir, 'history-resume-menu', openMenu);
  await openMenu();
  await resume.click();
  // Live follows it, in the same run, to its planned 30 epochs.
  await expect(page).toHaveURL(new RegExp(`#/live\\?runs=${id}`));
  await page.waitForTimeout(1000);
  expect(problems).toEqual([]);
  await expectLiveStatus(page, id, 'completed', 120_000);
  await expect(panel.getByTestId('run-events')).toContainText(`resumed from ${stoppedAt.name}, to 30 epochs · from the UI`);
  await expect(panel.getByTestId('loss-chart')).toHaveAttribute('data-markers', 'resumed');
  const rows = await storedRows(labHost.home, id);
  const iters = rows.filter((r) => r.kind === 'iter').map((r) => r.iter);
  // Curves without a break or a duplicate: every iteration once, 1 to 3,750.
  expect(iters).toEqual(Array.from({ length: 3750 }, (_, i) => i + 1));
  expect(rows.filter((r) => r.kind === 'epoch').map((r) => r.epoch)).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));

  // Fork from epoch 2 with another lr, to 6 epochs.
  await panel.getByTestId('fork-run').click();
  const fork = page.getByTestId('fork-dialog');
  await expect(fork.getByTestId('fork-epoch')).toHaveValue('30');
  await fork.getByTestId('fork-epoch').selectOption('2');
  await fork.getByTestId('fork-epochs').fill('6');
  await fork.getByTestId('fork-lr').fill('0.01');
  await screenshots(page, dir, 'fork-dialog');
  await fork.getByTestId('fork-start').click();
  await expect(fork).toBeHidden();
  await expect.poll(() => page.url()).not.toContain(id);
  const forkId = /runs=([^&]+)/.exec(page.url())![1]!;
  await expectLiveStatus(page, forkId, 'completed', 90_000);
  const forkRows = await storedRows(labHost.home, forkId);
  // Its first row is its parent's epoch 2; its iterations go on from the parent's 250.
  expect(forkRows[0]).toEqual(rows.find((r) => r.kind === 'epoch' && r.epoch === 2));
  expect(forkRows[1]).toMatchObject({ kind: 'iter', iter: 251, lr: 0.01 });

  await page.goto(`${labHost.url}#/compare?runs=${id},${forkId}`);
  const chart = page.getByTestId('compare-chart');
  await expect(chart).toHaveAttribute('data-markers', 'resumed | fork at epoch 2');
  // The fork's line (the second colour, orange) is drawn.
  await expect.poll(() => inkedPixels(chart, [0xe6, 0x9f, 0x00])).toBeGreaterThan(150);
  const lrRow = page.locator('[data-testid="config-row"][data-field="lr"]');
  await expect(lrRow).toHaveClass(/diff/);
  await screenshots(page, dir, 'compare-fork');
  await page.getByTestId('compare-metric').getByRole('radio', { name: 'Valid loss' }).click();
  await screenshots(page, dir, 'compare-fork-valid-loss');
});
