/**
 * The web host in a real browser: the UI loads with the token and without a CSP complaint;
 * without the token (or with a stale one) the page says so; a page from another origin
 * cannot open the lab's socket even holding the right token.
 */
import { createServer, type Server } from 'node:http';
import type { ConsoleMessage } from '@playwright/test';
import { expect, test } from './fixtures/lab-host';

test('the UI loads with its token, under the CSP, with nothing blocked', async ({ page, labHost }) => {
  const problems: string[] = [];
  page.on('console', (message: ConsoleMessage) => {
    if (message.type() === 'error' || /Content.Security.Policy/i.test(message.text())) problems.push(message.text());
  });
  page.on('pageerror', (error) => problems.push(error.message));
  page.on('response', (response) => {
    if (response.status() >= 400) problems.push(`${response.status()} ${response.url()}`);
  });

  const response = await page.goto(labHost.url);
  expect(response?.status()).toBe(200);
  expect(response?.headers()['content-security-policy']).toContain("script-src 'self'");
  expect(response?.headers()['referrer-policy']).toBe('no-referrer');
  await expect(page).toHaveTitle('Runlab');
  await expect(page.getByTestId('connection-status')).toHaveText(/Connected/);
  await expect(page.getByTestId('lab-unavailable')).toHaveCount(0);
  // The tab shows the app's icon, served by the host from the build.
  const icon = await page.locator('link[rel="icon"]').evaluate((link) => (link as unknown as { href: string }).href);
  const iconResponse = await page.request.get(icon);
  expect(iconResponse.status()).toBe(200);
  expect(iconResponse.headers()['content-type']).toBe('image/svg+xml');
  expect(await iconResponse.text()).toContain('<svg');
  expect(problems).toEqual([]);
});

test('without a token the page says the token is missing', async ({ page, labHost }) => {
  await page.goto(`${labHost.origin}/`);
  const notice = page.getByTestId('lab-unavailable');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('Missing token');
});

test('with a stale token the page says the token is not valid', async ({ page, labHost }) => {
  await page.goto(`${labHost.origin}/?token=from-a-previous-start`);
  const notice = page.getByTestId('lab-unavailable');
  await expect(notice).toBeVisible();
  await expect(notice).toContainText('token is not valid');
});

test.describe('a page from another origin', () => {
  let evil: Server;
  let evilOrigin: string;
  test.beforeAll(async () => {
    evil = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>elsewhere</title>'));
    await new Promise<void>((done) => evil.listen(0, '127.0.0.1', done));
    const address = evil.address();
    evilOrigin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });
  test.afterAll(() => new Promise<void>((done) => evil.close(() => done())));

  test('cannot open the lab socket, even with the right token', async ({ page, labHost }) => {
    await page.goto(evilOrigin);
    const outcome = await page.evaluate(
      ({ port, token }) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${token}`);
          ws.onopen = () => resolve('open');
          ws.onclose = () => resolve('refused');
        }),
      { port: labHost.port, token: labHost.token },
    );
    expect(outcome).toBe('refused');
  });

  test('the same socket opens from the lab’s own page (the check above is the Origin, not the browser)', async ({ page, labHost }) => {
    await page.goto(labHost.url);
    const outcome = await page.evaluate(
      (token) =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(`ws://${(globalThis as unknown as { location: { host: string } }).location.host}/ws?token=${token}`);
          ws.onopen = () => {
            ws.close();
            resolve('open');
          };
          ws.onclose = () => resolve('refused');
        }),
      labHost.token,
    );
    expect(outcome).toBe('open');
  });
});
