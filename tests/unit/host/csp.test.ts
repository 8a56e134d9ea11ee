/** One CSP everywhere: the meta tag in the renderer's index.html is RENDERER_CSP, verbatim. */
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { RENDERER_CSP, RENDERER_CSP_HEADER, relaxForDevServer } from '../../../src/main/csp';

describe('renderer CSP', () => {
  it('is what index.html declares', async () => {
    const html = await readFile(new URL('../../../src/renderer/index.html', import.meta.url), 'utf8');
    const meta = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta?.[1]).toBe(RENDERER_CSP);
  });

  it('allows no inline or remote script and no eval', () => {
    const script = RENDERER_CSP.split('; ').find((d) => d.startsWith('script-src'));
    expect(script).toBe("script-src 'self'");
    expect(RENDERER_CSP).toMatch(/^default-src 'none'/);
    expect(RENDERER_CSP_HEADER).toContain("frame-ancestors 'none'");
  });

  it('relaxes only styles and the HMR socket for the dev server', () => {
    const dev = relaxForDevServer(RENDERER_CSP, 'http://localhost:5173');
    expect(dev).toContain("style-src 'self' 'unsafe-inline'");
    expect(dev).toContain("connect-src 'self' ws://localhost:5173");
    expect(dev).toContain("script-src 'self';");
  });
});
