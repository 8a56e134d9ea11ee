/**
 * Before any spec: build the app if out/ is stale (specs load the built renderer), make sure
 * the browser is there and say which one runs, and say once whether the Electron specs can
 * run on this machine.
 */
import { ensureBuilt } from '../../scripts/build-if-stale.js';
import { electronStatus } from '../../scripts/electron-status.js';
import { ensureChromium } from './fixtures/chromium';

export default async function globalSetup(): Promise<void> {
  ensureBuilt();
  console.log(await ensureChromium());
  const electron = electronStatus();
  if (!electron.ok) console.log(`Electron specs will be skipped: Electron cannot start here (${electron.reason}).`);
}
