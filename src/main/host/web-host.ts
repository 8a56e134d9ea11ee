/**
 * startWebHost: the same UI in a browser. Serves the built renderer over HTTP and LabApi
 * over a WebSocket at /ws, on 127.0.0.1 by default, guarded by a token (fresh, or the one
 * `runlab serve` keeps in the data folder) and by Origin/Host checks. The caller owns the service (close it after the host).
 */
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { hostname } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { WebSocketServer } from 'ws';
import { AUTH_PATH, WS_PATH } from '../../shared/ws-protocol';
import type { LabPort } from '../lab-port';
import { hostAllowed, isLoopbackHost, newToken, originAllowed, tokensEqual, type AccessPolicy } from './access';
import { serveLabSocket, type LabSocketOptions } from './lab-socket';
import { sendJson, sendText, serveStatic } from './static-files';

/** Tried first when no port is given, so a bookmark survives restarts (the token does not). */
export const DEFAULT_PORT = 5780;
/** Bigger messages close the socket (code 1009): no LabApi request comes near this. */
export const MAX_MESSAGE_BYTES = 1024 * 1024;

export interface WebHostOptions {
  service: LabPort;
  /** Omitted: 5780, or any free port if it is taken. 0: any free port. Otherwise exactly this. */
  port?: number;
  host?: string;
  /** Required to bind anywhere but loopback: it exposes the lab to the network (token-guarded). */
  allowRemote?: boolean;
  /** The built renderer; default `out/renderer` in this package. */
  staticDir?: string;
  socket?: LabSocketOptions;
  /** The access token; default a fresh one (runlab serve passes the one kept in the data folder). */
  token?: string;
  /** How the person started this host ("npm start", "runlab serve"), for the page to name when its token is refused. */
  command?: string;
}

export interface WebHost {
  /** `http://HOST:PORT/?token=…`: the one line a person needs to open the UI. */
  url: string;
  token: string;
  port: number;
  close(): Promise<void>;
}

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const host = options.host ?? '127.0.0.1';
  const allowRemote = options.allowRemote ?? false;
  if (!isLoopbackHost(host) && !allowRemote) {
    throw new Error(
      `Refusing to bind the web host to ${host}: only loopback (127.0.0.1, localhost, ::1) is allowed by default, ` +
        `because anyone who can reach it with the token controls your runs. Pass allowRemote (runlab serve --allow-remote) to do it on purpose.`,
    );
  }
  const staticDir = resolve(options.staticDir ?? defaultStaticDir());
  if (!existsSync(join(staticDir, 'index.html'))) {
    throw new Error(`No built UI at ${staticDir} (index.html missing): run \`npm run build\` first.`);
  }

  const token = options.token ?? newToken();
  const command = options.command ?? 'runlab serve';
  const policy: AccessPolicy = { port: 0, allowRemote };
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const server = createServer((req, res) => void handleRequest(req, res));

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    try {
      if (!hostAllowed(req.headers.host, policy)) return sendText(res, 403, 'Host not allowed: open the URL the host printed.\n');
      const url = new URL(req.url ?? '/', 'http://runlab.invalid');
      if (url.pathname === AUTH_PATH) {
        // The command is no secret, and a page refused its token needs it to say what to run.
        const ok = tokensEqual(url.searchParams.get('token'), token);
        return sendJson(res, ok ? 200 : 401, { ok, command });
      }
      await serveStatic(staticDir, req, res);
    } catch {
      // A client that hangs up mid-file lands here too: nothing to tell anyone.
      if (!res.headersSent) sendText(res, 500, 'Internal error.\n');
      else res.destroy();
    }
  }

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    const url = new URL(req.url ?? '/', 'http://runlab.invalid');
    if (url.pathname !== WS_PATH) return refuseUpgrade(socket, 404, 'Not found');
    if (!tokensEqual(url.searchParams.get('token'), token)) {
      return refuseUpgrade(socket, 401, 'Missing or wrong token: open the URL the host printed');
    }
    if (!originAllowed(req.headers.origin, req.headers.host, policy)) {
      return refuseUpgrade(socket, 403, 'Origin not allowed: only pages served by this host may connect');
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveLabSocket(ws, options.service, options.socket));
  });

  const port = await listen(server, options.port, host);
  policy.port = port;
  return {
    url: `http://${urlHost(host)}:${port}/?token=${token}`,
    token,
    port,
    async close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}

/** A refused upgrade is a plain HTTP response on the raw socket, then the socket is closed. */
function refuseUpgrade(socket: Duplex, status: 401 | 403 | 404, message: string): void {
  const reason = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' }[status];
  const body = `${message}\n`;
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

async function listen(server: Server, port: number | undefined, host: string): Promise<number> {
  const attempt = (p: number): Promise<number> =>
    new Promise((done, fail) => {
      const onError = (error: Error): void => fail(error);
      server.once('error', onError);
      server.listen(p, host, () => {
        server.off('error', onError);
        const address = server.address();
        done(typeof address === 'object' && address ? address.port : p);
      });
    });
  if (port !== undefined) {
    return attempt(port).catch((error: NodeJS.ErrnoException) => {
      throw error.code === 'EADDRINUSE'
        ? new Error(`Port ${port} on ${host} is already in use: pick another or pass 0 for any free port.`)
        : error;
    });
  }
  return attempt(DEFAULT_PORT).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'EADDRINUSE') return attempt(0);
    throw error;
  });
}

function urlHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return hostname();
  return host.includes(':') ? `[${host}]` : host;
}

/** `out/renderer` of this package, from src/main/host (tsx) or out/main (built). */
function defaultStaticDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return join(dir, 'out', 'renderer');
}
