/**
 * Electron entry: one secure window, LabService (runs train in utility processes) wired
 * onto IPC, data in Electron's userData folder. A second launch focuses the first window.
 */
import { app, BrowserWindow, dialog, session } from 'electron';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { registerLabIpc } from './ipc';
import { LabService } from './lab';
import { UtilityProcessLauncher } from './runs/trainer/utility-process-launcher';
import { appPage, isAppUrl } from './app-page';
import { createMainWindow, hardenSession } from './window';

const page = appPage(dirname(fileURLToPath(import.meta.url)));

// Tests point the app at a throwaway data folder; everyone else gets Electron's userData.
if (process.env['RUNLAB_USER_DATA_DIR']) app.setPath('userData', process.env['RUNLAB_USER_DATA_DIR']);

// Every renderer sandboxed, including any a dependency might create.
app.enableSandbox();

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  main().catch((error: unknown) => {
    // Before the window exists there is nowhere else to say it.
    dialog.showErrorBox('Runlab could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });
}

async function main(): Promise<void> {
  let service: LabService | null = null;
  let closing = false;

  app.on('second-instance', () => {
    const window = BrowserWindow.getAllWindows()[0];
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  // Nothing in this app opens a second webContents; whatever tries gets no window and no navigation.
  app.on('web-contents-created', (_event, contents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    contents.on('will-attach-webview', (event) => event.preventDefault());
  });
  app.on('window-all-closed', () => app.quit());
  // Cancel running trainers and wait for them before the process goes.
  app.on('before-quit', (event) => {
    if (!service || closing) return;
    event.preventDefault();
    closing = true;
    const open = service;
    service = null;
    void open
      .close()
      .catch((error: unknown) => console.error('runlab: closing the lab failed:', error))
      .finally(() => app.quit());
  });

  await app.whenReady();
  hardenSession(session.defaultSession, page);
  service = await LabService.open({ dataDir: app.getPath('userData'), launcher: new UtilityProcessLauncher(), warmTrainers: 1 });
  const window = createMainWindow(page);
  const unregister = registerLabIpc({ service, window, isAppUrl: (url) => isAppUrl(page, url) });
  window.on('closed', unregister);
}
