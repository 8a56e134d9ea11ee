/**
 * Before any spec: build the app if out/ is stale (specs load the built renderer), and say
 * once whether the Electron specs can run on this machine.
 */
import { ensureBuilt } from '../../scripts/build-if-stale.js';
import { electronStatus } from '../../scripts/electron-status.js';

export default function globalSetup(): void {
  ensureBuilt();
  const electron = electronStatus();
  if (!electron.ok) console.log(`Electron specs will be skipped: Electron cannot start here (${electron.reason}).`);
}
