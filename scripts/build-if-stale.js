// ensureBuilt: runs `electron-vite build` when out/ is missing or older than its sources, and
// returns at once when it is up to date (npm start and Playwright's global setup call it).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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

/** Builds if needed; throws with the build's exit status if it fails. */
export function ensureBuilt({ quiet = false } = {}) {
  const reason = staleReason();
  if (!reason) return false;
  if (!quiet) console.error(`Building the app (${reason})…`);
  const npx = process.platform === 'win32' ? 'npx.cmd' : 'npx';
  const result = spawnSync(npx, ['electron-vite', 'build'], { cwd: root, stdio: quiet ? 'pipe' : ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) {
    const output = quiet ? `\n${result.stdout}${result.stderr}` : '';
    throw new Error(`electron-vite build failed (exit ${result.status ?? result.signal}).${output}`);
  }
  return true;
}
