/** A small CSV dataset written for a test: `classes` Gaussian blobs in `features` dimensions, seeded. */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createRng } from '../../src/main/training/random';

export async function writeBlobsCsv(
  dir: string,
  opts: { rows?: number; features?: number; classes?: number; seed?: number } = {},
): Promise<string> {
  const { rows = 600, features = 12, classes = 3, seed = 5 } = opts;
  const rng = createRng(seed);
  const centres = Array.from({ length: classes }, () => Array.from({ length: features }, () => 4 * rng() - 2));
  const lines = ['label,' + Array.from({ length: features }, (_, j) => `f${j}`).join(',')];
  for (let i = 0; i < rows; i++) {
    const c = i % classes;
    // Box–Muller-free noise: the sum of three uniforms is close enough to a bell for a test.
    const x = centres[c]!.map((m) => (m + (rng() + rng() + rng() - 1.5) * 1.6).toFixed(4));
    lines.push(`${c},${x.join(',')}`);
  }
  const path = join(dir, 'blobs.csv');
  await writeFile(path, `${lines.join('\n')}\n`);
  return path;
}
