// ensureBuilt: runs `electron-vite build` when out/ is missing or older than its sources, and
// returns at once when it is up to date (npm start, `runlab serve`/`start` and Playwright's
// global setup call it). The build's output goes to stderr, so a command whose stdout is
// meant for a program (`runlab serve` prints only its URL there) keeps it clean.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** What the build produces: if any is missing or older than any source, rebuild. */
const OUTPUTS = ['out/main/index.js', 'out/main/trainer-process.js', 'out/preload/index.cjs', 'out/renderer/index.html'];
const SOURCES = ['src', 'electron.vite.config.ts', 'package.json', 'tsconfig.node.json', 'tsconfig.web.json'];

function newestMtime(path) {
  const info = statSync(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Why a build is needed, or null when out/ is up to date. */
export function staleReason() {
  const outputs = OUTPUTS.map((p) => join(root, p));
  const missing = outputs.find((p) => !existsSync(p));
  if (missing) return `${missing.slice(root.length + 1)} is missing`;
  const oldestOutput = Math.min(...outputs.map((p) => statSync(p).mtimeMs));
  const newestSource = Math.max(
    ...SOURCES.map((p) => join(root, p))
      .filter(existsSync)
      .map(newestMtime),
  );
  return newestSource > oldestOutput ? 'sources changed since the last build' : null;
}

/** The installed electron-vite's command (never `npx electron-vite`, which would download one). */
function electronVite() {
  let manifest;
  try {
    manifest = createRequire(join(root, 'package.json')).resolve('electron-vite/package.json');
  } catch {
    throw new Error('Cannot build the app: electron-vite is not installed (run `npm install`, which installs the dev dependencies).');
  }
  return join(dirname(manifest), 'bin/electron-vite.js');
}

/** Builds if needed; throws with the build's exit status if it fails. */
export function ensureBuilt({ quiet = false } = {}) {
  const reason = staleReason();
  if (!reason) return false;
  if (!quiet) console.error(`Building the app (${reason})…`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [electronVite(), 'build'], { cwd: root, stdio: quiet ? 'pipe' : ['ignore', 2, 2] });
  if (result.error) throw new Error(`Cannot run electron-vite: ${result.error.message}`);
  if (result.status !== 0) {
    const output = quiet ? `\n${result.stdout}${result.stderr}` : '';
    throw new Error(`electron-vite build failed (exit ${result.status ?? result.signal}).${output}`);
  }
  if (!quiet) console.error(`Built the app in ${((Date.now() - started) / 1000).toFixed(1)} s.`);
  return true;
}
