/**
 * Writes an IDX dataset (MNIST, Fashion-MNIST) out as an image folder: train/<class>/N.png
 * from the train-* files and valid/<class>/N.png from the t10k-* files, so the same data can
 * be trained from both sources and compared (README: "Image folders").
 * Usage: npx tsx scripts/idx-to-image-folder.ts /usr/share/datasets/fashion-mnist /tmp/fashion-png
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { encodePng } from '../src/main/training/data/decode-image';
import { readIdxFolder } from '../src/main/training/data/idx-folder';

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  console.error('usage: npx tsx scripts/idx-to-image-folder.ts IDX_FOLDER OUT_FOLDER');
  process.exit(2);
}
const idx = await readIdxFolder(from);
const size = idx.rows * idx.cols;
for (const [part, images, labels] of [
  ['train', idx.trainImages, idx.trainLabels],
  ['valid', idx.testImages, idx.testLabels],
] as const) {
  for (let k = 0; k < idx.c; k++) await mkdir(join(to, part, String(k)), { recursive: true });
  for (let i = 0; i < labels.length; i++) {
    const png = await encodePng(images.subarray(i * size, (i + 1) * size), idx.cols, idx.rows, 1);
    await writeFile(join(to, part, String(labels[i]), `${String(i).padStart(5, '0')}.png`), png);
  }
  console.log(`${part}: ${labels.length} images`);
}
