/**
 * The trainer as one bundled JavaScript file (out/trainer/trainer-process.mjs), so a trainer
 * process starts without compiling TypeScript and without resolving TensorFlow.js's few
 * hundred modules: measured here, a trainer's imports take ~0.1 s bundled against ~1.7 s
 * through tsx. `npm run build` writes it (build-trainer-bundle.ts), and `runlab serve` /
 * `runlab start` rebuild it in the background when it is older than the sources; a launcher
 * that finds it missing or stale starts trainers from the TypeScript sources meanwhile.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from this file's place in it (src/main/runs/trainer/). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const TRAINER_SOURCE = join(REPO_ROOT, 'src', 'main', 'runs', 'trainer', 'trainer-process.ts');
export const TRAINER_BUNDLE = join(REPO_ROOT, 'out', 'trainer', 'trainer-process.mjs');

/** What the bundle is built from: when any is newer than the bundle, it is stale. */
const SOURCES = [join(REPO_ROOT, 'src'), join(REPO_ROOT, 'package.json')];

function newestMtime(path: string): number {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Whether the bundle can run now: built, and newer than every source (a few ms to check). */
export function bundleFresh(bundle = TRAINER_BUNDLE): boolean {
  if (!existsSync(bundle)) return false;
  const built = statSync(bundle).mtimeMs;
  return SOURCES.every((p) => !existsSync(p) || newestMtime(p) <= built);
}
