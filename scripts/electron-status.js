// electronStatus: can Electron start on this machine? Checks what `require('electron')` would
// do without doing it (it downloads the binary on first use, which hangs or fails offline).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** @returns {{ ok: true, binary: string } | { ok: false, reason: string }} */
export function electronStatus(env = process.env, platform = process.platform) {
  let packageDir;
  try {
    packageDir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { ok: false, reason: 'the electron package is not installed (npm install)' };
  }
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  let binary;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) binary = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
  else if (relative) binary = join(packageDir, 'dist', relative);
  else return { ok: false, reason: 'its binary was not downloaded (no network at install time)' };
  if (!existsSync(binary)) return { ok: false, reason: `its binary is missing (${binary})` };
  if (platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY) {
    return { ok: false, reason: 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset; try xvfb-run)' };
  }
  return { ok: true, binary };
}
