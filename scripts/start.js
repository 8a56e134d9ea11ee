#!/usr/bin/env node
// `npm start`: build if out/ is stale, then open the Electron app (downloading its binary on the
// first start) — or, where Electron cannot start (no display, the download failed offline),
// say why in one line and serve the same UI to a browser through `runlab serve`, which prints
// the URL to open.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { ensureBuilt, root } from './build-if-stale.js';
import { ensureElectron } from './ensure-electron.js';

try {
  ensureBuilt();
} catch (error) {
  console.error(error.message);
  process.exit(1);
}

const electron = await ensureElectron();
const [command, args] = electron.ok
  ? [electron.binary, [root]]
  : [process.execPath, [join(root, 'bin/runlab.js'), 'serve', ...process.argv.slice(2)]];
if (!electron.ok) {
  console.error(`Electron cannot start here: ${electron.reason}. Serving the same UI in your browser instead.`);
}

const child = spawn(command, args, { cwd: root, stdio: 'inherit' });
// Ctrl-C reaches the child through the terminal; a SIGTERM sent to us alone is passed on.
process.on('SIGTERM', () => child.kill('SIGTERM'));
process.on('SIGINT', () => undefined);
child.on('error', (error) => {
  console.error(`Could not start ${command}: ${error.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
