/**
 * The browser's LabApi client (WsLab) against a real web host, with the `ws` package as its
 * WebSocket: replies unwrapped, refusals rethrown as LabError with their fields, a bad token
 * reported as a final 'failed' state, and a dropped connection reconnected.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { LabError } from '../../../src/shared/api';
import { badTokenMessage, WsLab, type SocketLike } from '../../../src/renderer/src/lib/ws-lab';
import type { ConnectionState } from '../../../src/renderer/src/lib/connection-state';
import { startHostFixture, type HostFixture } from './host-fixture';

let fx: HostFixture;
beforeAll(async () => {
  // Started the way `npm start` starts it: the page must name that, not `runlab serve`.
  fx = await startHostFixture({ command: 'npm start' });
});
afterAll(() => fx.close());

function client(token: string, sockets: WebSocket[] = []): WsLab {
  const base = `127.0.0.1:${fx.host.port}`;
  return new WsLab({
    socketUrl: `ws://${base}/ws?token=${token}`,
    authUrl: `http://${base}/auth?token=${token}`,
    // What a browser does by itself: send the page's origin.
    openSocket: (url) => {
      const ws = new WebSocket(url, { origin: `http://${base}` });
      sockets.push(ws);
      return ws as unknown as SocketLike;
    },
    backoff: { initialMs: 20, maxMs: 100 },
  });
}

function until(lab: WsLab, status: ConnectionState['status']): Promise<ConnectionState> {
  return new Promise((resolve) => {
    const stop = lab.connection.subscribe((state) => {
      if (state.status !== status) return;
      queueMicrotask(() => stop());
      resolve(state);
    });
  });
}

describe('WsLab', () => {
  it('calls LabApi methods and unwraps replies', async () => {
    const lab = client(fx.host.token);
    expect(await lab.api.listRuns({})).toEqual([]);
    const schema = await lab.api.getSchema({});
    expect(schema.fields.length).toBeGreaterThan(0);
    expect(lab.connection.current).toEqual({ status: 'open', message: null });
    lab.close();
  });

  it('rethrows refusals as LabError with code and field', async () => {
    const lab = client(fx.host.token);
    const error = await lab.api.getRun({ id: 7 as unknown as string }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LabError);
    expect(error).toMatchObject({ code: 'invalid', field: 'id' });
    lab.close();
  });

  it('reports a wrong token as failed, naming the command that started the host, and rejects calls as unavailable', async () => {
    const lab = client('not-the-token');
    const call = lab.api.listRuns({}).catch((e: unknown) => e);
    const message = badTokenMessage('npm start');
    expect(message).toContain('Open the address that `npm start` printed');
    expect(await until(lab, 'failed')).toEqual({ status: 'failed', message });
    expect(await call).toMatchObject({ code: 'unavailable', message });
    await expect(lab.api.getSchema({})).rejects.toMatchObject({ code: 'unavailable' });
  });

  it('reconnects after the connection drops and keeps answering', async () => {
    const sockets: WebSocket[] = [];
    const lab = client(fx.host.token, sockets);
    await lab.api.listRuns({});
    const reconnecting = until(lab, 'reconnecting');
    const dropped = Date.now();
    sockets[0]!.terminate();
    const down = await reconnecting;
    // When it went down and when it tries again, for the banner; the host's command in the message.
    expect(down.since).toBeGreaterThanOrEqual(dropped - 5);
    expect(down.retryAt).toBeGreaterThanOrEqual(down.since!);
    expect(down.message).toContain('Is `npm start` still running?');
    expect(await lab.api.listRuns({})).toEqual([]);
    expect(sockets.length).toBeGreaterThanOrEqual(2);
    lab.close();
  });
});
