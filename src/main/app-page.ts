/**
 * Where the built app's files are, relative to the built main (out/main/index.js, inside
 * app.asar once packaged), and which URLs are our own page. No Electron import: tests and the
 * packaging check read the same paths the window loads.
 */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface AppPage {
  /** The dev server URL under `electron-vite dev`, else null (the built file). */
  devUrl: string | null;
  indexFile: string;
  preloadFile: string;
  /** The window's icon (Linux and Windows; macOS takes the bundle's): drawn by npm run build:icons. */
  iconFile: string;
}

/** Where the built app lives, relative to out/main/index.js. */
export function appPage(mainDir: string): AppPage {
  return {
    devUrl: process.env['ELECTRON_RENDERER_URL'] ?? null,
    indexFile: join(mainDir, '../renderer/index.html'),
    preloadFile: join(mainDir, '../preload/index.cjs'),
    iconFile: join(mainDir, '../../resources/icons/512x512.png'),
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
