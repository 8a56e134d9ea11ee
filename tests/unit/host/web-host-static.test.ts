/** The web host's HTTP side: the built UI, with security headers, and not one byte outside it. */
import { symlink } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWebHost } from '../../../src/main/host/web-host';
import { RENDERER_CSP_HEADER } from '../../../src/main/csp';
import { rawGet, SECRET, startHostFixture, type HostFixture } from './host-fixture';

let fx: HostFixture;
beforeAll(async () => {
  fx = await startHostFixture();
  await symlink(join(fx.root, 'secret.txt'), join(fx.staticDir, 'assets', 'link.txt'));
});
afterAll(() => fx.close());

describe('web host: static files', () => {
  it('serves index.html at / with the CSP and hardening headers', async () => {
    const res = await rawGet(fx.host.port, '/');
    expect(res.status).toBe(200);
    expect(res.body).toContain('<p>index</p>');
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['content-security-policy']).toBe(RENDERER_CSP_HEADER);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
  });

  it('serves assets with their content type, ignoring the query string', async () => {
    const res = await rawGet(fx.host.port, `/assets/app.js?token=${fx.host.token}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(res.body).toBe('console.log("app");');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    const head = await rawGet(fx.host.port, '/assets/app.js', { method: 'HEAD' });
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String('console.log("app");'.length));
    expect(head.body).toBe('');
    const post = await rawGet(fx.host.port, '/', { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers['allow']).toBe('GET, HEAD');
  });

  it.each([
    '/../secret.txt',
    '/assets/../../secret.txt',
    '/%2e%2e/secret.txt',
    '/%2E%2E%2Fsecret.txt',
    '/assets/..%2f..%2fsecret.txt',
    '/..%5csecret.txt',
    '/%00index.html',
    '/%E0%A4%A',
  ])('refuses %s', async (path) => {
    const res = await rawGet(fx.host.port, path);
    expect(res.status).toBe(400);
    expect(res.body).not.toContain(SECRET);
  });

  it('does not follow a symlink out of the folder, and 404s what is missing', async () => {
    const link = await rawGet(fx.host.port, '/assets/link.txt');
    expect(link.status).toBe(404);
    expect(link.body).not.toContain(SECRET);
    expect((await rawGet(fx.host.port, '/nope.js')).status).toBe(404);
    expect((await rawGet(fx.host.port, '/assets')).status).toBe(404);
  });

  it('refuses a foreign Host header (DNS rebinding)', async () => {
    const res = await rawGet(fx.host.port, '/', { host: `evil.example:${fx.host.port}` });
    expect(res.status).toBe(403);
    expect((await rawGet(fx.host.port, '/', { host: `localhost:${fx.host.port}` })).status).toBe(200);
  });

  it('tells a page whether its token is the right one', async () => {
    const ok = await rawGet(fx.host.port, `/auth?token=${fx.host.token}`);
    expect(ok.status).toBe(200);
    // It also says how the host was started, so a refused page can name the command to look at.
    expect(JSON.parse(ok.body)).toEqual({ ok: true, command: 'runlab serve' });
    const wrong = await rawGet(fx.host.port, '/auth?token=nope');
    expect(wrong.status).toBe(401);
    expect(JSON.parse(wrong.body)).toEqual({ ok: false, command: 'runlab serve' });
    expect((await rawGet(fx.host.port, '/auth')).status).toBe(401);
  });

  it('prints a loopback URL carrying a fresh 24-byte token', () => {
    expect(fx.host.url).toBe(`http://127.0.0.1:${fx.host.port}/?token=${fx.host.token}`);
    expect(Buffer.from(fx.host.token, 'base64url')).toHaveLength(24);
  });
});

describe('web host: binding', () => {
  it('refuses a non-loopback address unless allowRemote is given', async () => {
    await expect(startWebHost({ service: fx.service, host: '0.0.0.0', port: 0, staticDir: fx.staticDir })).rejects.toThrow(
      /Refusing to bind the web host to 0\.0\.0\.0.*allowRemote/,
    );
  });

  it('binds remotely with allowRemote, and a second start gets a different token', async () => {
    const remote = await startWebHost({ service: fx.service, host: '0.0.0.0', port: 0, allowRemote: true, staticDir: fx.staticDir });
    try {
      expect(remote.token).not.toBe(fx.host.token);
      // Any Host is accepted when remote on purpose: the token still guards the socket.
      expect((await rawGet(remote.port, '/', { host: `lab-box.example:${remote.port}` })).status).toBe(200);
    } finally {
      await remote.close();
    }
  });

  it('says so when the UI was never built', async () => {
    await expect(startWebHost({ service: fx.service, port: 0, staticDir: join(fx.root, 'missing') })).rejects.toThrow(
      /No built UI at .*missing.*npm run build/,
    );
  });

  it('names the port when an explicit one is taken', async () => {
    await expect(startWebHost({ service: fx.service, port: fx.host.port, staticDir: fx.staticDir })).rejects.toThrow(
      new RegExp(`Port ${fx.host.port} on 127.0.0.1 is already in use`),
    );
  });
});
