// ensureElectron: the Electron binary for `npm start` and `runlab start`, downloaded on first
// start. npm install leaves it out (package.json's allowScripts denies electron's postinstall):
// that download fails offline and would fail the whole install. Here a failed download only
// means the browser UI is served instead.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { electronStatus } from './electron-status.js';

/** Runs electron's own installer (electron/install.js); resolves with null or why it failed. */
export function downloadElectron(packageDir, env = process.env) {
  const { ELECTRON_SKIP_BINARY_DOWNLOAD: _skip, ...childEnv } = env;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(packageDir, 'install.js')], {
      cwd: packageDir,
      env: childEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const keep = (chunk) => {
      const text = chunk.toString();
      output = (output + text).slice(-4000);
      // Its progress passes through; a failure's stack frames do not (the reason names the error).
      process.stderr.write(text.replace(/^[ \t]+at .*(\n|$)/gm, ''));
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    child.on('error', (error) => resolve(error.message));
    child.on('close', (code, signal) => {
      if (code === 0) return resolve(null);
      const lines = output.split('\n').map((line) => line.trim());
      // The installer prints the error's stack: its first line says what went wrong.
      const message = lines.find((line) => /error/i.test(line) && !line.startsWith('at ')) ?? lines.filter(Boolean).at(-1);
      resolve(message ?? `the installer exited with ${code ?? signal}`);
    });
  });
}

/** electronStatus after downloading the binary where that is all that is missing. */
export async function ensureElectron(env = process.env, platform = process.platform, packageDir = undefined) {
  const status = electronStatus(env, platform, packageDir);
  if (status.ok || !status.downloadable || !status.packageDir) return status;
  const { version } = JSON.parse(readFileSync(join(status.packageDir, 'package.json'), 'utf8'));
  process.stderr.write(`Downloading Electron ${version} (first start; npm install leaves it out)…\n`);
  const started = Date.now();
  const failure = await downloadElectron(status.packageDir, env);
  if (failure) return { ok: false, reason: `${status.reason}, and downloading it failed: ${failure}`, downloadable: false };
  process.stderr.write(`Downloaded Electron in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`);
  return electronStatus(env, platform, status.packageDir);
}
