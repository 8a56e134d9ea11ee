/**
 * An image folder from the New-run form in Chromium: the preview shows the classes with
 * their counts, sample images and their size before training; a bad path is named in the
 * preview; the run trains a 3-class PNG folder to ≥ 0.9 valid accuracy. Screenshots at
 * 1024×700 and 1920×1080 go to $RUNLAB_SHOTS_DIR (or a temp folder, printed).
 */
import { mkdir, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RunStore } from '../../src/main/runs/store/store';
import { writeImageFolder } from '../helpers/image-folders';
import { expect, test } from './fixtures/lab-host';
import { expectLiveStatus, livePanel } from './ui-helpers';

test('the form previews an image folder and trains it to at least 0.9 valid accuracy', async ({ page, labHost }) => {
  test.setTimeout(120_000);
  const shots = process.env['RUNLAB_SHOTS_DIR'] ?? (await mkdtemp(join(tmpdir(), 'runlab-ui-shots-')));
  await mkdir(shots, { recursive: true });
  console.log(`UI screenshots: ${shots}`);
  const data = join(labHost.home, 'shapes');
  await writeImageFolder(data, { classes: ['stripes-h', 'stripes-v', 'square'], perClass: 40, seed: 9 });

  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.goto(`${labHost.url}#/new`);
  await page.getByTestId('reset-form').click();
  await page.getByTestId('field-dataset').selectOption('images');
  await page.getByTestId('field-dataPath').fill(join(labHost.home, 'nowhere'));
  await expect(page.getByTestId('preview-error')).toHaveText(`Folder not found: ${join(labHost.home, 'nowhere')}`);

  await page.getByTestId('field-dataPath').fill(data);
  const preview = page.getByTestId('data-preview');
  await expect(preview).toHaveAttribute('data-status', 'ready');
  await expect(page.getByTestId('preview-facts')).toContainText('3 classes · 120 images · 28×28 grey');
  await expect(page.getByTestId('preview-classes').locator('li')).toHaveText([/square\s*40/, /stripes-h\s*40/, /stripes-v\s*40/]);
  const samples = page.getByTestId('preview-samples').locator('img');
  await expect(samples).toHaveCount(12);
  // Each sample is a decoded image, not a broken icon.
  expect(await samples.evaluateAll((imgs) => imgs.map((i) => (i as unknown as { naturalWidth: number }).naturalWidth))).toEqual(
    Array(12).fill(28),
  );
  await page.screenshot({ path: join(shots, 'preview-images-1920x1080.png') });
  await page.setViewportSize({ width: 1024, height: 700 });
  await preview.scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(shots, 'preview-images-1024x700.png') });
  const overflow = await page.locator('main').evaluate((el) => {
    const box = el as unknown as { scrollWidth: number; clientWidth: number };
    return box.scrollWidth - box.clientWidth;
  });
  expect(overflow).toBe(0);

  await page.getByTestId('field-epochs').fill('3');
  await page.getByTestId('field-lr').fill('0.1');
  await page.getByTestId('run-name').fill('shapes from the form');
  await page.getByTestId('start-run').click();
  const panel = page.getByTestId('live-run');
  await expect(panel).toHaveCount(1);
  const id = (await panel.getAttribute('data-run-id'))!;
  await expectLiveStatus(page, id, 'completed', 60_000);
  await expect(livePanel(page, id).getByTestId('run-summary')).toBeVisible();
  const run = await new RunStore(labHost.home).get(id);
  expect(run.config).toMatchObject({ dataset: 'images', dataPath: data });
  expect(run.data?.classes).toEqual(['square', 'stripes-h', 'stripes-v']);
  expect(run.summary?.final?.valid_accuracy).toBeGreaterThanOrEqual(0.9);
});
