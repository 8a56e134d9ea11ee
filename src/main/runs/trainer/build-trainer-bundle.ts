/**
 * Builds the bundled trainer (trainer-bundle.ts) with esbuild: everything but the optional
 * native tfjs-node-gpu in one ES module. Kept apart from the launcher so the app, which
 * ships a build and never bundles, does not reference esbuild.
 */
import { renameSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { bundleFresh, TRAINER_BUNDLE, TRAINER_SOURCE } from './trainer-bundle';

/** Emscripten's glue (tfjs-wasm) reads __dirname and require: an ES module has neither. */
const BANNER = [
  "import { createRequire as __runlabRequire } from 'node:module';",
  "import { fileURLToPath as __runlabPath } from 'node:url';",
  "import { dirname as __runlabDirname } from 'node:path';",
  'const require = __runlabRequire(import.meta.url);',
  'const __filename = __runlabPath(import.meta.url);',
  'const __dirname = __runlabDirname(__filename);',
].join(' ');

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

/** Rebuilds the bundle in the background when it is missing or stale; a failure is one line on stderr. */
export function refreshTrainerBundle(): void {
  if (bundleFresh()) return;
  buildTrainerBundle().catch((error: unknown) => {
    process.stderr.write(`runlab: could not bundle the trainer (${(error as Error).message}); trainers start from the sources\n`);
  });
}
