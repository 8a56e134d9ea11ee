/**
 * The one app window, with Runlab's icon, and the session rules around it: isolated, sandboxed
 * renderer, strict CSP, no navigation away from our page, no new windows, no permissions.
 */
import { BrowserWindow, type Session } from 'electron';
import { isAppUrl, type AppPage } from './app-page';
import { RENDERER_CSP_HEADER, relaxForDevServer } from './csp';

export function hardenSession(target: Session, page: AppPage): void {
  const csp = page.devUrl ? relaxForDevServer(RENDERER_CSP_HEADER, new URL(page.devUrl).origin) : RENDERER_CSP_HEADER;
  target.webRequest.onHeadersReceived((details, respond) => {
    respond({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  // The lab needs no camera, notifications, geolocation, clipboard reads, HID, serial…
  target.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  target.setPermissionCheckHandler(() => false);
}

export function createMainWindow(page: AppPage): BrowserWindow {
  const window = new BrowserWindow({
    width: 1280,
    height: 800,
    minWidth: 1024,
    minHeight: 700,
    title: 'Runlab',
    icon: page.iconFile,
    show: false,
    webPreferences: {
      preload: page.preloadFile,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      sandbox: true,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      // Middle-click (auxclick) can open links in new windows by another path than window.open.
      disableBlinkFeatures: 'Auxclick',
      webviewTag: false,
      spellcheck: false,
    },
  });
  const contents = window.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!isAppUrl(page, url)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isAppUrl(page, url)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  // Links with target=_blank and window.open: nothing opens, inside or outside the app.
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  window.once('ready-to-show', () => window.show());

  if (page.devUrl) void window.loadURL(page.devUrl);
  else void window.loadFile(page.indexFile);
  return window;
}
