/**
 * Live shows what is really happening: a run whose trainer boots is "starting" (never
 * "0 running · 1 queued"), a run started behind another waits with its position while Live
 * keeps following the one that trains, a waiting run is removed from the queue (no
 * cancelled run left), and the panel shows the dataset and the trainer's CPU and memory.
 */
import { expect, test } from './fixtures/lab-host';
import { expectLiveStatus, livePanel, runFolders, saveShots, startRunFromForm } from './ui-helpers';

test('starting, training, queued with position, follow, remove from the queue, dataset and usage', async ({ page, labHost }) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1280, height: 800 });
  const a = await startRunFromForm(page, labHost.url, { epochs: '500' }, 'long A');
  // From the moment Start answers, the run holds a slot: starting or training, not "queued".
  await expect(page.getByTestId('live-counts')).toHaveText(/^(0 training · 1 starting|1 training) · 0 queued$/);
  await expectLiveStatus(page, a, 'running', 60_000);
  const panelA = livePanel(page, a);
  await expect(panelA.getByTestId('live-dataset')).toHaveText('mnist-sample · 8,000 train / 2,000 valid');
  await expect(panelA.getByTestId('live-usage')).toHaveText(/^CPU \d+% · memory \d+ MB$/, { timeout: 15_000 });

  // Started behind A: Live keeps following A, and a toast says where B waits.
  const b = await startRunFromForm(page, labHost.url, { epochs: '2' }, 'waiting B');
  await expect(page.locator(`[data-testid="toast"][data-run-id="${b}"]`)).toContainText('queued at position 1');
  await expect(page.getByTestId('live-run')).toHaveCount(1);
  await expect(panelA).toBeVisible();
  const c = await startRunFromForm(page, labHost.url, { epochs: '2' }, 'waiting C');
  await expect(page.locator(`[data-testid="toast"][data-run-id="${c}"]`)).toContainText('queued at position 2');
  await expect(page.getByTestId('live-counts')).toHaveText('1 training · 2 queued');
  const item = (id: string) => page.locator(`[data-testid="live-list-item"][data-run-id="${id}"]`);
  await expect(item(b)).toContainText(/queued\s*· #1/);
  await expect(item(c)).toContainText(/queued\s*· #2/);
  await saveShots(page, 'live-queue', [
    { width: 1024, height: 700 },
    { width: 1280, height: 800 },
    { width: 1920, height: 1080 },
  ]);

  // B, looked at: its place in the queue, and a way out of it that leaves nothing behind.
  await item(b).locator('button.item').click();
  // Pinned to B now: a way back to following what trains, then B again.
  await expect(page.getByTestId('follow-running')).toBeVisible();
  await page.getByTestId('follow-running').click();
  await expect(page).toHaveURL(/#\/live$/);
  await expect(page.getByTestId('live-run')).toHaveCount(1);
  await item(b).locator('button.item').click();
  const panelB = livePanel(page, b);
  await expect(panelB.getByTestId('live-phase')).toHaveText(/Queued — position 1/);
  await expect(panelB.getByTestId('stop-run')).toHaveCount(0);
  await panelB.getByTestId('remove-from-queue').click();
  await expect(item(b)).toHaveCount(0);
  await expect(item(c)).toContainText(/queued\s*· #1/);
  expect((await runFolders(labHost.home)).sort()).toEqual([a, c].sort());

  // B gone, Live follows what trains again by itself: stop A, and C (next in line) is followed as it starts.
  await expect(page).toHaveURL(/#\/live$/);
  await expect(page.getByTestId('follow-running')).toHaveCount(0);
  await panelA.getByTestId('stop-run').click();
  await expectLiveStatus(page, c, 'completed', 60_000);
  await expect(livePanel(page, c)).toBeVisible();
  await page.getByTestId('nav-history').click();
  await expect(page.locator(`[data-testid="history-row"][data-run-id="${a}"] [data-testid="run-status"]`)).toHaveAttribute(
    'data-status',
    'cancelled',
  );
  await expect(page.locator(`[data-testid="history-row"][data-run-id="${b}"]`)).toHaveCount(0);
});
