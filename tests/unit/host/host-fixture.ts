/**
 * A real web host for tests: a real LabService on a temp data folder and a temp static
 * folder (index.html + one asset) with a secret file beside it that must never be served.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { startWebHost, type WebHost, type WebHostOptions } from '../../../src/main/host/web-host';
import { LabService } from '../../../src/main/lab';

export const SECRET = 'top-secret-outside-the-static-folder';

export interface HostFixture {
  host: WebHost;
  service: LabService;
  root: string;
  staticDir: string;
  close(): Promise<void>;
}

export async function startHostFixture(options: Partial<WebHostOptions> = {}): Promise<HostFixture> {
  const root = await mkdtemp(join(tmpdir(), 'runlab-host-'));
  const staticDir = join(root, 'static');
  await mkdir(join(staticDir, 'assets'), { recursive: true });
  await writeFile(join(staticDir, 'index.html'), '<!doctype html><title>Runlab</title><p>index</p>');
  await writeFile(join(staticDir, 'assets', 'app.js'), 'console.log("app");');
  await writeFile(join(root, 'secret.txt'), SECRET);
  const service = await LabService.open({ dataDir: join(root, 'data') });
  const host = await startWebHost({ service, port: 0, staticDir, ...options });
  return {
    host,
    service,
    root,
    staticDir,
    async close() {
      await host.close();
      await service.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** An HTTP request with the path sent byte for byte (no client-side normalisation of `..`). */
export function rawGet(port: number, path: string, init: { method?: string; host?: string } = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port, path, method: init.method ?? 'GET', headers: { host: init.host ?? `127.0.0.1:${port}` } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Opens a raw ws client; resolves with the socket, or with the HTTP status of a refused upgrade. */
export function openSocket(url: string, origin: string | undefined): Promise<{ ws: WebSocket } | { refused: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, origin === undefined ? {} : { origin });
    ws.once('open', () => resolve({ ws }));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString()));
      res.on('end', () => resolve({ refused: res.statusCode ?? 0, body }));
    });
    ws.once('error', reject);
  });
}

/** Sends text and resolves with the next message that is a reply (has an `id` field). */
export function nextReply(ws: WebSocket, text: string): Promise<Record<string, unknown>> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData): void => {
      const message = JSON.parse(data.toString()) as Record<string, unknown>;
      if (!('id' in message)) return;
      ws.off('message', onMessage);
      resolve(message);
    };
    ws.on('message', onMessage);
    ws.send(text);
  });
}
