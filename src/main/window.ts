/**
 * The one app window and the session rules around it: isolated, sandboxed renderer, strict
 * CSP, no navigation away from our page, no new windows, no permissions.
 */
import { BrowserWindow, type Session } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { RENDERER_CSP_HEADER, relaxForDevServer } from './csp';

export interface AppPage {
  /** The dev server URL under `electron-vite dev`, else null (the built file). */
  devUrl: string | null;
  indexFile: string;
  preloadFile: string;
}

/** Where the built app lives, relative to out/main/index.js. */
export function appPage(mainDir: string): AppPage {
  return {
    devUrl: process.env['ELECTRON_RENDERER_URL'] ?? null,
    indexFile: join(mainDir, '../renderer/index.html'),
    preloadFile: join(mainDir, '../preload/index.cjs'),
  };
}

/** True only for our own page: the built index.html (any hash) or a dev-server page. */
export function isAppUrl(page: AppPage, url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (page.devUrl) return parsed.origin === new URL(page.devUrl).origin;
  const index = pathToFileURL(page.indexFile);
  return parsed.protocol === 'file:' && parsed.pathname === index.pathname;
}

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
