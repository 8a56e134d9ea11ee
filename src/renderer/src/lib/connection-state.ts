/**
 * How the renderer's link to the lab is doing, for views that want to say so. Electron's
 * IPC is always 'open'; the browser's WebSocket goes through the other states. 'failed' is
 * final (no token, or a token this host refuses) and `message` tells the person what to do.
 */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'failed';

export interface ConnectionState {
  status: ConnectionStatus;
  /** Why it is not open, in words for a person; null when open. */
  message: string | null;
  /** When the link went down (ms since the epoch), while it is reconnecting. */
  since?: number;
  /** When the next attempt to reconnect is due. */
  retryAt?: number;
}

export class ConnectionStateSource {
  #state: ConnectionState;
  #listeners = new Set<(state: ConnectionState) => void>();

  constructor(initial: ConnectionState) {
    this.#state = initial;
  }

  get current(): ConnectionState {
    return this.#state;
  }

  set(state: ConnectionState): void {
    const same = (Object.keys(state) as (keyof ConnectionState)[]).every((k) => state[k] === this.#state[k]);
    if (same && Object.keys(state).length === Object.keys(this.#state).length) return;
    this.#state = state;
    for (const listener of this.#listeners) listener(state);
  }

  /** Calls `listener` now and on every change; returns the unsubscribe function. */
  subscribe(listener: (state: ConnectionState) => void): () => void {
    this.#listeners.add(listener);
    listener(this.#state);
    return () => void this.#listeners.delete(listener);
  }
}
