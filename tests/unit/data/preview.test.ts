/** The New-run form's dataset preview, on real image folders, IDX-free sources and a CSV. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../../src/shared/hyperparams';
import { previewData } from '../../../src/main/training/data/preview';
import { writeImageFolder } from '../../helpers/image-folders';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'runlab-preview-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const config = (over: Partial<Hyperparams>): Hyperparams => ({ ...DEFAULT_HYPERPARAMS, ...over });

async function pngSize(dataUrl: string): Promise<{ width?: number; height?: number; channels?: number }> {
  expect(dataUrl.startsWith('data:image/png;base64,')).toBe(true);
  return sharp(Buffer.from(dataUrl.slice('data:image/png;base64,'.length), 'base64')).metadata();
}

describe('previewData', () => {
  it('an image folder: classes with counts, a few samples per class at the decoded size, what the files are', async () => {
    const dir = join(root, 'classes');
    await writeImageFolder(dir, { classes: ['square', 'diagonal', 'stripes-v'], perClass: 7, width: 40, height: 40, channels: 3 });
    await writeFile(join(dir, 'square', 'README.md'), 'notes');
    const p = await previewData(config({ dataset: 'images', dataPath: dir, validFraction: 0.2, seed: 5 }));
    expect(p.classes).toEqual([
      { name: 'diagonal', count: 7, train: null, valid: null },
      { name: 'square', count: 7, train: null, valid: null },
      { name: 'stripes-v', count: 7, train: null, valid: null },
    ]);
    expect(p.total).toBe(21);
    expect(p.image).toEqual({ width: 32, height: 32, channels: 3, source: '40×40 RGB PNG' });
    expect(p.samples.map((s) => s.label)).toEqual([
      ...Array(4).fill('diagonal'),
      ...Array(4).fill('square'),
      ...Array(4).fill('stripes-v'),
    ]);
    expect(await pngSize(p.samples[0]!.image)).toMatchObject({ width: 32, height: 32, channels: 3 });
    expect(p.split).toBe('20% of each class held out for validation (seed 5)');
    expect(p.notes).toEqual(['1 file(s) that are not PNG, JPEG or WebP are ignored']);
  });

  it('a train/valid folder counts each side, and grey 28×28 stays 28×28 grey', async () => {
    const dir = join(root, 'split');
    await writeImageFolder(dir, { classes: ['square', 'diagonal'], perClass: 5, valid: 2 });
    const p = await previewData(config({ dataset: 'images', dataPath: dir }));
    expect(p.classes).toEqual([
      { name: 'diagonal', count: 5, train: 3, valid: 2 },
      { name: 'square', count: 5, train: 3, valid: 2 },
    ]);
    expect(p.image).toMatchObject({ width: 28, height: 28, channels: 1, source: '28×28 grey PNG' });
    expect(await pngSize(p.samples[0]!.image)).toMatchObject({ width: 28, height: 28, channels: 1 });
    expect(p.split).toBe('train/ and valid/ folders');
  });

  it('names a sample that cannot be decoded, and refuses a folder with one class', async () => {
    const dir = join(root, 'broken');
    await writeImageFolder(dir, { classes: ['square', 'diagonal'], perClass: 2 });
    await writeFile(join(dir, 'diagonal', '0000-bad.png'), 'no');
    const p = await previewData(config({ dataset: 'images', dataPath: dir }));
    expect(p.notes).toEqual(['diagonal/0000-bad.png cannot be decoded (Input file contains unsupported image format)']);
    expect(p.samples).toHaveLength(4);
    const one = join(root, 'one');
    await mkdir(join(one, 'cat'), { recursive: true });
    await expect(previewData(config({ dataset: 'images', dataPath: one }))).rejects.toThrow(
      `${one}: only one class folder (cat); a classifier needs at least two`,
    );
  });

  it('mnist-sample: ten digit classes with their fixed split, 28×28 grey samples', async () => {
    const p = await previewData(config({}), { cacheDir: join(root, 'cache') });
    expect(p.classes.map((c) => c.name)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(p.classes[0]).toEqual({ name: '0', count: 1001, train: 801, valid: 200 });
    expect(p.total).toBe(10_000);
    expect(p.samples).toHaveLength(30);
    expect(await pngSize(p.samples[0]!.image)).toMatchObject({ width: 28, height: 28, channels: 1 });
  });

  it('a CSV: class counts with names from its classes file, no images', async () => {
    const path = join(root, 'flowers.csv');
    await writeFile(path, `label,a,b\n${Array.from({ length: 9 }, (_, i) => `${i % 3 === 2 ? 2 : 0},${i},1`).join('\n')}\n`);
    await writeFile(join(root, 'flowers.classes.txt'), 'rose\ntulip\niris\n');
    const p = await previewData(config({ dataset: 'csv', dataPath: path }));
    expect(p.classes).toEqual([
      { name: 'rose', count: 6, train: null, valid: null },
      { name: 'tulip', count: 0, train: null, valid: null },
      { name: 'iris', count: 3, train: null, valid: null },
    ]);
    expect([p.image, p.samples, p.notes]).toEqual([null, [], ['2 feature column(s) after a header row']]);
  });
});
