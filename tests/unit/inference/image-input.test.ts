import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { loadMnistSample } from '../../../src/main/training/data/mnist-sample';
import { imageInput } from '../../../src/main/training/inference/image-input';

const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

describe('imageInput', () => {
  it('turns a training image, saved as a PNG, into the very floats it trained as', async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), 'runlab-image-input-'));
    dirs.push(cacheDir);
    const split = await loadMnistSample({ cacheDir });
    const data = {
      classes: split.classes,
      input_shape: [784],
      image: split.image,
      train_size: split.train.length,
      valid_size: split.valid.length,
      skipped_count: 0,
      skipped: [],
    };
    for (const i of [0, 1234, 7999]) {
      const bytes = split.train.bytes!.values.subarray(i * 784, (i + 1) * 784);
      const png = await sharp(Buffer.from(bytes), { raw: { width: 28, height: 28, channels: 1 } })
        .png()
        .toBuffer();
      const input = await imageInput(png, data);
      expect(Buffer.from(input.buffer).equals(Buffer.from(split.train.x.slice(i * 784, (i + 1) * 784).buffer))).toBe(true);
    }
  });
});
