/**
 * The web host's WebSocket: refused without the token or from a foreign page, then LabApi
 * replies in the envelope, with broken messages answered (not fatal) and fields named.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type WebSocket from 'ws';
import { nextReply, openSocket, startHostFixture, type HostFixture } from './host-fixture';

let fx: HostFixture;
let origin: string;
let wsUrl: (token?: string) => string;
beforeAll(async () => {
  fx = await startHostFixture();
  origin = `http://127.0.0.1:${fx.host.port}`;
  wsUrl = (token) => `ws://127.0.0.1:${fx.host.port}/ws${token === undefined ? '' : `?token=${encodeURIComponent(token)}`}`;
});
afterAll(() => fx.close());

async function connect(): Promise<WebSocket> {
  const result = await openSocket(wsUrl(fx.host.token), origin);
  if (!('ws' in result)) throw new Error(`refused with ${result.refused}`);
  return result.ws;
}

describe('web host: who may connect', () => {
  it('refuses a connection without a token (401)', async () => {
    expect(await openSocket(wsUrl(), origin)).toEqual({ refused: 401, body: expect.stringMatching(/Missing or wrong token/) });
  });

  it('refuses a wrong token (401), even one that differs in the last character', async () => {
    const almost = fx.host.token.slice(0, -1) + (fx.host.token.endsWith('A') ? 'B' : 'A');
    expect(await openSocket(wsUrl(almost), origin)).toMatchObject({ refused: 401 });
  });

  it('refuses the right token from a foreign or missing Origin (403)', async () => {
    expect(await openSocket(wsUrl(fx.host.token), 'http://evil.example')).toMatchObject({
      refused: 403,
      body: expect.stringMatching(/Origin not allowed/),
    });
    expect(await openSocket(wsUrl(fx.host.token), `http://127.0.0.1:${fx.host.port + 1}`)).toMatchObject({ refused: 403 });
    expect(await openSocket(wsUrl(fx.host.token), undefined)).toMatchObject({ refused: 403 });
  });

  it('accepts the right token from its own origin, by either loopback name', async () => {
    const viaLocalhost = await openSocket(wsUrl(fx.host.token), `http://localhost:${fx.host.port}`);
    expect('ws' in viaLocalhost).toBe(true);
    if ('ws' in viaLocalhost) viaLocalhost.ws.close();
  });

  it('refuses other upgrade paths (404)', async () => {
    const result = await openSocket(`ws://127.0.0.1:${fx.host.port}/elsewhere?token=${fx.host.token}`, origin);
    expect(result).toMatchObject({ refused: 404 });
  });
});

describe('web host: LabApi over the socket', () => {
  it('answers systemInfo with this host’s data folder', async () => {
    const ws = await connect();
    const reply = await nextReply(ws, JSON.stringify({ id: 1, method: 'systemInfo', params: {} }));
    expect(reply).toMatchObject({ id: 1, ok: true, value: { dataDir: fx.service.dataDir, concurrency: expect.any(Number) } });
    ws.close();
  });

  it('answers invalid JSON with an error, and the socket keeps working', async () => {
    const ws = await connect();
    const bad = await nextReply(ws, '{"id": 2, "method": ');
    expect(bad).toMatchObject({ id: null, ok: false, error: { code: 'invalid', message: expect.stringMatching(/not valid JSON/) } });
    const good = await nextReply(ws, JSON.stringify({ id: 3, method: 'listRuns', params: {} }));
    expect(good).toEqual({ id: 3, ok: true, value: [] });
    ws.close();
  });

  it('names what is wrong: the id, an unknown method, a bad field', async () => {
    const ws = await connect();
    expect(await nextReply(ws, JSON.stringify({ id: -1, method: 'listRuns' }))).toMatchObject({
      id: null,
      error: { code: 'invalid', field: 'id' },
    });
    expect(await nextReply(ws, JSON.stringify({ id: 4, method: 'dropDatabase', params: {} }))).toMatchObject({
      id: 4,
      ok: false,
      error: { code: 'invalid', field: 'method', message: expect.stringMatching(/Unknown method "dropDatabase".*listRuns/) },
    });
    const badField = await nextReply(ws, JSON.stringify({ id: 5, method: 'getRun', params: { id: 42 } }));
    expect(badField).toMatchObject({ id: 5, ok: false, error: { code: 'invalid', field: 'id' } });
    const extra = await nextReply(ws, JSON.stringify({ id: 6, method: 'listRuns', params: { sneaky: true } }));
    expect(extra).toMatchObject({ id: 6, ok: false, error: { code: 'invalid', message: expect.stringMatching(/sneaky/) } });
    const missing = await nextReply(ws, JSON.stringify({ id: 7, method: 'getRun', params: { id: 'r-does-not-exist' } }));
    expect(missing).toMatchObject({ id: 7, ok: false, error: { code: expect.stringMatching(/not_found|invalid/) } });
    // Still alive after all that.
    expect(await nextReply(ws, JSON.stringify({ id: 8, method: 'getSchema' }))).toMatchObject({ id: 8, ok: true });
    ws.close();
  });

  it('closes a socket that sends more than 1 MB in one message (1009), and the host carries on', async () => {
    const ws = await connect();
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send(JSON.stringify({ id: 9, method: 'listRuns', params: { pad: 'x'.repeat(1024 * 1024 + 10) } }));
    expect(await closed).toBe(1009);
    const again = await connect();
    expect(await nextReply(again, JSON.stringify({ id: 10, method: 'listRuns', params: {} }))).toMatchObject({ ok: true });
    again.close();
  });
});

describe('web host: pushed events', () => {
  it('pushes run:updated and run:metrics for a run started over the socket', async () => {
    const ws = await connect();
    type Push = { event: string; payload: { id?: string; status?: string; rows?: { kind: string }[] } };
    const pushes: Push[] = [];
    const completed = new Promise<void>((resolve) => {
      ws.on('message', (data) => {
        const message = JSON.parse(data.toString()) as Push | { id: number };
        if (!('event' in message)) return;
        pushes.push(message);
        if (message.event === 'run:updated' && message.payload.status === 'completed') resolve();
      });
    });
    const started = await nextReply(ws, JSON.stringify({ id: 20, method: 'startRun', params: { config: { epochs: 1, stopAfter: 5 } } }));
    expect(started).toMatchObject({ id: 20, ok: true, value: { status: expect.stringMatching(/queued|running/) } });
    const id = (started['value'] as { id: string }).id;
    await completed;
    const iterRows = pushes
      .filter((p) => p.event === 'run:metrics' && p.payload.id === id)
      .flatMap((p) => p.payload.rows ?? [])
      .filter((row) => row.kind === 'iter');
    expect(iterRows).toHaveLength(5);
    expect(pushes.filter((p) => p.event === 'run:updated').every((p) => p.payload.id === id)).toBe(true);
    ws.close();
  }, 60_000);
});
