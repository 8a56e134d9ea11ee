/**
 * `runlab train --dataset images` for real: a 3-class folder of generated PNGs trains to
 * ≥ 0.9 valid accuracy through the trainer process, the run records its class names, a
 * broken file fails the run in one line unless skipping is allowed, and a folder with one
 * class is refused before any run exists.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../src/main/runs/store/store';
import { writeImageFolder } from '../helpers/image-folders';
import { lines, startRunlab } from '../helpers/runlab-cli';

let home: string;
let data: string;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-cli-images-'));
  data = join(home, 'shapes');
  await writeImageFolder(data, { classes: ['stripes-h', 'stripes-v', 'square'], perClass: 60, seed: 3 });
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

const runlab = (...args: string[]) => startRunlab(args, home).done;
const finalLine = (stdout: string) => JSON.parse(lines(stdout).at(-1)!) as Record<string, unknown>;

describe('runlab train --dataset images', () => {
  it('trains a 3-class PNG folder to at least 0.9 valid accuracy and records the class names and image preparation', async () => {
    const { code, stdout, stderr } = await runlab(
      'train',
      '--dataset',
      'images',
      '--data-path',
      data,
      '--epochs',
      '3',
      '--lr',
      '0.1',
      '--json',
    );
    expect(stderr).not.toMatch(/\n\s+at /);
    expect(code).toBe(0);
    const final = finalLine(stdout);
    expect(final).toMatchObject({ status: 'completed', epochs: 3, classes: ['square', 'stripes-h', 'stripes-v'], skipped_files: 0 });
    expect(final.valid_accuracy as number).toBeGreaterThanOrEqual(0.9);
    const run = await new RunStore(home).get(final.run_id as string);
    expect(run.data).toMatchObject({
      classes: ['square', 'stripes-h', 'stripes-v'],
      // The mlp takes the 28×28 grey images flat.
      input_shape: [784],
      image: { width: 28, height: 28, channels: 1 },
      train_size: 144,
      valid_size: 36,
      skipped_count: 0,
    });
    // Decoded once into the data folder's cache.
    expect((await readdir(join(home, 'cache'))).some((f) => f.startsWith('images-') && f.endsWith('-28x28x1.bin'))).toBe(true);
  });

  it('fails on a file that cannot be decoded, naming it in one line; --skip-bad-files on trains without it and says so', async () => {
    const dir = join(home, 'broken');
    await writeImageFolder(dir, { classes: ['square', 'diagonal'], perClass: 20 });
    const bad = join(dir, 'square', 'broken.jpg');
    await writeFile(bad, Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0x10]));
    const failed = await runlab('train', '--dataset', 'images', '--data-path', dir, '--epochs', '1', '--json');
    expect(failed.code).toBe(1);
    const errors = lines(failed.stderr).filter((l) => l.startsWith('error: '));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(
      new RegExp(`^error: ${bad.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}: cannot decode the image \\(.+\\); fix or remove it`),
    );
    expect(finalLine(failed.stdout)).toMatchObject({ status: 'failed', epochs: 0 });

    const skipped = await runlab('train', '--dataset', 'images', '--data-path', dir, '--epochs', '1', '--skip-bad-files', 'on');
    expect(skipped.code).toBe(0);
    expect(skipped.stderr).toContain(`skipped 1 file that could not be decoded, e.g. ${bad} (`);
    expect(skipped.stdout).toMatch(/^completed in /m);
  });

  it('refuses a folder with one class before any run is recorded (exit 2, the flag named)', async () => {
    const one = join(home, 'one');
    await writeImageFolder(one, { classes: ['square'], perClass: 2 });
    const before = (await new RunStore(home).list()).length;
    const { code, stderr } = await runlab('train', '--dataset', 'images', '--data-path', one);
    expect(code).toBe(2);
    expect(stderr.trim()).toBe(`error: --data-path: ${one}: only one class folder (square); a classifier needs at least two`);
    expect((await new RunStore(home).list()).length).toBe(before);
  });
});
