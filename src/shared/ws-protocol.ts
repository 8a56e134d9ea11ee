/**
 * The web host's WebSocket wire format: LabApi requests and replies (the LabReply envelope
 * plus the request id) and pushed events, as JSON text frames. Shared by the host and the
 * browser client so both sides name the same fields.
 */
import type { LabEventName, LabEvents, LabMethod, LabReply } from './api';

/** WebSocket endpoint; the upgrade needs `?token=` and a same-origin Origin header. */
export const WS_PATH = '/ws';
/** `GET /auth?token=…` → 204 or 401: lets the page say "wrong token" (a refused upgrade cannot). */
export const AUTH_PATH = '/auth';

export interface WsRequest {
  id: number;
  method: LabMethod;
  /** The LabApi request object; omitted means `{}`. */
  params?: unknown;
}

/** `id` is null when the message was too broken to read its id. */
export type WsReply = { id: number | null } & LabReply<unknown>;

export type WsPush = { [E in LabEventName]: { event: E; payload: LabEvents[E] } }[LabEventName];

/**
 * Sent after the host skipped `run:metrics` pushes to a slow client: the client refetches
 * those runs' metrics (getMetrics) and delivers only the rows it has not seen.
 */
export interface WsResync {
  resync: { ids: string[] };
}

export type WsServerMessage = WsReply | WsPush | WsResync;
