/**
 * The trainer as one bundled JavaScript file (out/trainer/trainer-process.mjs), so a trainer
 * process starts without compiling TypeScript and without resolving TensorFlow.js's few
 * hundred modules: measured here, a trainer's imports take ~0.1 s bundled against ~1.7 s
 * through tsx. `npm run build` writes it; a launcher that finds it missing or older than
 * the sources uses the TypeScript sources for that launch and rebuilds it in the background.
 * Only the optional tfjs-node-gpu (a native module, absent offline) stays outside.
 */
import { existsSync, readdirSync, renameSync, statSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root, from this file's place in it (src/main/runs/trainer/). */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
export const TRAINER_SOURCE = join(REPO_ROOT, 'src', 'main', 'runs', 'trainer', 'trainer-process.ts');
export const TRAINER_BUNDLE = join(REPO_ROOT, 'out', 'trainer', 'trainer-process.mjs');

/** What the bundle is built from: when any is newer than the bundle, it is stale. */
const SOURCES = [join(REPO_ROOT, 'src'), join(REPO_ROOT, 'package.json')];

/** Emscripten's glue (tfjs-wasm) reads __dirname and require: an ES module has neither. */
const BANNER = [
  "import { createRequire as __runlabRequire } from 'node:module';",
  "import { fileURLToPath as __runlabPath } from 'node:url';",
  "import { dirname as __runlabDirname } from 'node:path';",
  'const require = __runlabRequire(import.meta.url);',
  'const __filename = __runlabPath(import.meta.url);',
  'const __dirname = __runlabDirname(__filename);',
].join(' ');

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

let building: Promise<string> | null = null;

/**
 * Builds the bundle (esbuild, about a second), written to a temp file and renamed into
 * place, so a trainer never starts from half a file; one build at a time per process.
 */
export function buildTrainerBundle(bundle = TRAINER_BUNDLE): Promise<string> {
  building ??= (async () => {
    const { build } = await import('esbuild');
    await mkdir(dirname(bundle), { recursive: true });
    const temp = `${bundle}.${process.pid}.${Date.now()}.tmp`;
    try {
      await build({
        entryPoints: [TRAINER_SOURCE],
        outfile: temp,
        bundle: true,
        platform: 'node',
        format: 'esm',
        target: 'node20',
        external: ['@tensorflow/tfjs-node-gpu'],
        banner: { js: BANNER },
        logLevel: 'silent',
      });
      renameSync(temp, bundle);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return bundle;
  })().finally(() => {
    building = null;
  });
  return building;
}
