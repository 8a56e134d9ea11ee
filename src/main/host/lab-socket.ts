/**
 * serveLabSocket: LabApi over one WebSocket. Requests `{id, method, params}` get
 * `{id, ok, value | error}`; service events go out as `{event, payload}`. A broken message
 * gets an error reply naming what is wrong and the socket stays open.
 *
 * Back-pressure: while the socket's send buffer is above `metricsHighWater`, `run:metrics`
 * pushes for that client are skipped and their run ids remembered; the next push after the
 * buffer drains is preceded by `{resync: {ids}}`, and the client refetches those metrics
 * (getMetrics) and delivers only the rows it has not seen. Status pushes (`run:updated`,
 * `run:deleted`) are small and never skipped. A client whose buffer passes `hardLimit` is
 * disconnected (it reconnects and resyncs) so one stuck tab cannot grow the host's memory.
 */
import WebSocket from 'ws';
import { LAB_METHODS, type LabErrorInfo, type LabEventName, type LabEvents } from '../../shared/api';
import type { WsServerMessage } from '../../shared/ws-protocol';
import type { LabPort } from '../lab-port';
import { isLabMethod, labReply } from '../lab-reply';
import { MetricsPushGate } from './metrics-push-gate';

export interface LabSocketOptions {
  /** Bytes buffered for a client above which metric pushes are skipped (default 1 MiB). */
  metricsHighWater?: number;
  /** Bytes buffered for a client above which it is disconnected (default 32 MiB). */
  hardLimit?: number;
}

export function serveLabSocket(ws: WebSocket, service: LabPort, options: LabSocketOptions = {}): void {
  const highWater = options.metricsHighWater ?? 1024 * 1024;
  const hardLimit = options.hardLimit ?? 32 * 1024 * 1024;
  const gate = new MetricsPushGate(highWater);

  const send = (message: WsServerMessage): void => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
  };

  const push = <E extends LabEventName>(event: E, payload: LabEvents[E]): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > hardLimit) return void ws.terminate();
    if (event === 'run:metrics') {
      const decision = gate.admit((payload as LabEvents['run:metrics']).id, ws.bufferedAmount);
      if (!decision.send) return;
      if (decision.resync) send({ resync: { ids: decision.resync } });
    }
    send({ event, payload } as WsServerMessage);
  };

  const unsubscribe = service.subscribe(push);
  ws.on('close', unsubscribe);
  // ws reports protocol violations (e.g. a frame over maxPayload) here, then closes the socket.
  ws.on('error', () => undefined);
  ws.on('message', (data, isBinary) => {
    void answer(service, isBinary ? null : data.toString(), send);
  });
}

async function answer(service: LabPort, text: string | null, send: (m: WsServerMessage) => void): Promise<void> {
  const refuse = (id: number | null, error: LabErrorInfo): void => send({ id, ok: false, error });
  if (text === null) return refuse(null, invalid('Binary frames are not accepted: send JSON text {id, method, params}.'));
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch (error) {
    return refuse(null, invalid(`Message is not valid JSON (${(error as Error).message}).`));
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) {
    return refuse(null, invalid('Message must be a JSON object {id, method, params}.'));
  }
  const { id, method, params } = message as Record<string, unknown>;
  if (typeof id !== 'number' || !Number.isSafeInteger(id) || id < 0) {
    return refuse(null, invalid('"id" must be a non-negative integer.', 'id'));
  }
  if (!isLabMethod(method)) {
    const named = typeof method === 'string' ? `"${method}"` : 'missing';
    return refuse(id, invalid(`Unknown method ${named}: expected one of ${LAB_METHODS.join(', ')}.`, 'method'));
  }
  send({ id, ...(await labReply(service, method, params ?? {})) });
}

function invalid(message: string, field?: string): LabErrorInfo {
  return field === undefined ? { code: 'invalid', message } : { code: 'invalid', message, field };
}
