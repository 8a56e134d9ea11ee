/**
 * The renderer's Content-Security-Policy, one string for every place that sends it: the
 * meta tag in src/renderer/index.html (a test checks they match), the Electron session
 * header and the web host's header.
 */
export const RENDERER_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  // Svelte templates and Chart.js set style attributes; no <style> elements or scripts inline.
  "style-src-attr 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  // 'self' covers the web host's same-origin ws:// endpoint; file:// pages connect nowhere.
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "object-src 'none'",
].join('; ');

/** Headers may carry frame-ancestors too (browsers ignore it in a meta tag, with a warning). */
export const RENDERER_CSP_HEADER = `${RENDERER_CSP}; frame-ancestors 'none'`;

/** The dev server (electron-vite dev) injects <style> elements and uses a ws:// HMR socket. */
export function relaxForDevServer(policy: string, devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws');
  return policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace("connect-src 'self'", `connect-src 'self' ${ws}`);
}
