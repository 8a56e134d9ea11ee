// electronStatus: can Electron start on this machine? Checks what `require('electron')` would
// do without doing it (with no binary, that require throws or tries a download).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

/** The installed electron package's folder, or null. */
function installedElectron() {
  try {
    return dirname(require.resolve('electron/package.json'));
  } catch {
    return null;
  }
}

/**
 * `downloadable`: only the binary is missing (npm install leaves it out, see allowScripts in
 * package.json) and there is a display to show it on, so downloading it would let it start.
 * @returns {{ ok: true, binary: string } | { ok: false, reason: string, downloadable: boolean, packageDir?: string }}
 */
export function electronStatus(env = process.env, platform = process.platform, packageDir = installedElectron()) {
  if (!packageDir) return { ok: false, reason: 'the electron package is not installed (npm install)', downloadable: false };
  const noDisplay = platform === 'linux' && !env.DISPLAY && !env.WAYLAND_DISPLAY;
  const NO_DISPLAY = 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset; try xvfb-run)';
  const pathFile = join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  let binary;
  if (env.ELECTRON_OVERRIDE_DIST_PATH) binary = join(env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
  else if (relative) binary = join(packageDir, 'dist', relative);
  // With no display the missing display is what stops it: downloading the binary would not help.
  else if (noDisplay) return { ok: false, reason: `${NO_DISPLAY}, and its binary was not downloaded`, downloadable: false, packageDir };
  else return { ok: false, reason: 'its binary was not downloaded yet', downloadable: true, packageDir };
  if (!existsSync(binary) && noDisplay) {
    return { ok: false, reason: `${NO_DISPLAY}, and its binary is missing (${binary})`, downloadable: false, packageDir };
  }
  if (!existsSync(binary)) {
    return {
      ok: false,
      reason: `its binary is missing (${binary})`,
      downloadable: !env.ELECTRON_OVERRIDE_DIST_PATH,
      packageDir,
    };
  }
  if (noDisplay) {
    return { ok: false, reason: NO_DISPLAY, downloadable: false };
  }
  return { ok: true, binary };
}
