/**
 * getLab: the one LabApi the views use. In Electron it is window.lab (the preload) with
 * refusals turned back into LabError; in a browser it is a WebSocket client to the web host,
 * authenticated by the `?token=` in the page's address. Without a token getLab throws a
 * LabError 'unavailable' saying so (and `connectionState()` reports it); a token the host
 * refuses turns the state to 'failed' and every call rejects with the same kind of error.
 */
import { LabError, type LabApi, type LabErrorInfo, type LabMethod } from '../../../shared/api';
import { AUTH_PATH, WS_PATH } from '../../../shared/ws-protocol';
import { ConnectionStateSource, type ConnectionState } from './connection-state';
import { labApiFrom } from './lab-api-from';
import { WsLab } from './ws-lab';

export type { ConnectionState, ConnectionStatus } from './connection-state';

export const MISSING_TOKEN_MESSAGE = 'Missing token: this page needs the full address the Runlab host printed (it ends with ?token=…).';

let lab: LabApi | null = null;
let connection: ConnectionStateSource | null = null;
let retry: () => void = () => undefined;

/** Reconnects now instead of after the backoff (no-op in Electron, whose IPC never drops). */
export function retryConnection(): void {
  retry();
}

/** @throws LabError 'unavailable' in a browser page opened without `?token=`. */
export function getLab(): LabApi {
  source();
  if (!lab) throw new LabError({ code: 'unavailable', message: MISSING_TOKEN_MESSAGE });
  return lab;
}

export function connectionState(): ConnectionState {
  return source().current;
}

/** Calls `listener` now and on every change; returns the unsubscribe function. */
export function onConnectionState(listener: (state: ConnectionState) => void): () => void {
  return source().subscribe(listener);
}

function source(): ConnectionStateSource {
  if (!connection) ({ lab, connection } = createLab());
  return connection;
}

function createLab(): { lab: LabApi | null; connection: ConnectionStateSource } {
  if (window.lab) {
    return { lab: fromPreload(window.lab), connection: new ConnectionStateSource({ status: 'open', message: null }) };
  }
  const token = new URLSearchParams(location.search).get('token');
  if (!token) return { lab: null, connection: new ConnectionStateSource({ status: 'failed', message: MISSING_TOKEN_MESSAGE }) };
  const query = `?token=${encodeURIComponent(token)}`;
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const client = new WsLab({
    socketUrl: `${scheme}://${location.host}${WS_PATH}${query}`,
    authUrl: `${location.origin}${AUTH_PATH}${query}`,
  });
  retry = () => client.retryNow();
  return { lab: client.api, connection: client.connection };
}

/**
 * The preload rejects with plain LabErrorInfo objects (an Error would lose its fields on the
 * way through contextBridge): make them LabErrors again. Requests are copied to plain data
 * first — Svelte $state proxies cannot be cloned across IPC.
 */
function fromPreload(preload: LabApi): LabApi {
  const call = async (method: LabMethod, request: unknown): Promise<never> => {
    const invoke = preload[method] as (request: unknown) => Promise<never>;
    try {
      return await invoke(JSON.parse(JSON.stringify(request ?? {})));
    } catch (error) {
      throw toLabError(error);
    }
  };
  return labApiFrom(call, (event, listener) => preload.on(event, listener));
}

export function toLabError(error: unknown): LabError {
  if (error instanceof LabError) return error;
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    return new LabError(error as LabErrorInfo);
  }
  return new LabError({ code: 'internal', message: error instanceof Error ? error.message : String(error) });
}
