/**
 * WsLab: LabApi over the web host's WebSocket, for the UI in a plain browser. Requests carry
 * ids; replies are unwrapped (refusals rethrown as LabError with code, field and errors);
 * pushes go to `on` listeners. The socket reconnects with backoff; a call made while it is
 * down waits for it (up to `connectWaitMs`), a call in flight when it drops is rejected
 * (it may or may not have taken effect — never silently resent). After a reconnect, or when
 * the host says it skipped metric pushes, the runs concerned are refetched and listeners get
 * only what they missed.
 */
import { LabError, type LabApi, type LabErrorInfo, type LabEventName, type LabEvents, type LabMethod } from '../../../shared/api';
import { justRewound, rowsGeneration, type MetricRow, type RunStatus } from '../../../shared/records';
import type { WsRequest, WsServerMessage } from '../../../shared/ws-protocol';
import { ConnectionStateSource } from './connection-state';
import { labApiFrom } from './lab-api-from';
import { MetricWatermarks } from './metric-watermarks';

/** The part of the WebSocket API used here (the browser's, or the `ws` package's in tests). */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: 'open' | 'close' | 'error' | 'message', listener: (event: { data?: unknown }) => void): void;
}

export interface WsLabOptions {
  /** ws://host:port/ws?token=… */
  socketUrl: string;
  /** http://host:port/auth?token=…: asked after a refused connection, to tell a bad token from a host that is down. */
  authUrl: string;
  openSocket?: (url: string) => SocketLike;
  fetchStatus?: (url: string) => Promise<number>;
  backoff?: { initialMs: number; maxMs: number };
  /** How long a call waits for a connection before it fails as 'unavailable'. */
  connectWaitMs?: number;
}

interface Pending {
  method: LabMethod;
  params: unknown;
  resolve: (value: unknown) => void;
  reject: (error: LabError) => void;
  sent: boolean;
  /** Internal refetches must not move the metric watermarks before they filter. */
  internal: boolean;
  timer: ReturnType<typeof setTimeout> | null;
}

const OPEN = 1;
const ACTIVE: readonly RunStatus[] = ['queued', 'running'];
export const BAD_TOKEN_MESSAGE =
  "This page's token is not valid for the Runlab host (it changes at every start): open the URL that `runlab serve` printed.";

export class WsLab {
  readonly api: LabApi;
  readonly connection = new ConnectionStateSource({ status: 'connecting', message: null });

  readonly #options: Required<Omit<WsLabOptions, 'socketUrl' | 'authUrl'>> & Pick<WsLabOptions, 'socketUrl' | 'authUrl'>;
  #socket: SocketLike | null = null;
  #nextId = 0;
  #pending = new Map<number, Pending>();
  #listeners = new Map<LabEventName, Set<(payload: never) => void>>();
  #watermarks = new MetricWatermarks();
  /** Runs being refetched: their metric pushes wait here until the refetch lands. */
  #resyncing = new Map<string, MetricRow[]>();
  /** Last known status of runs seen in pushes, to know which to refresh after a reconnect. */
  #statuses = new Map<string, RunStatus>();
  /** Per run, how many times its rows were rewound (resumes from a checkpoint). */
  #generations = new Map<string, number>();
  #attempt = 0;
  #everOpened = false;
  #closed = false;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: WsLabOptions) {
    this.#options = {
      openSocket: (url) => new WebSocket(url),
      fetchStatus: async (url) => (await fetch(url)).status,
      backoff: { initialMs: 250, maxMs: 5000 },
      connectWaitMs: 15_000,
      ...options,
    };
    this.api = labApiFrom(
      (method, request) => this.#request(method, request, false) as never,
      (event, listener) => this.#on(event, listener),
    );
    this.#connect();
  }

  /** Stops for good: no reconnects, calls waiting or in flight are rejected. */
  close(): void {
    this.#closed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#socket?.close(1000, 'closed by the page');
    this.#fail('The connection to the Runlab host was closed by the page.');
  }

  #connect(): void {
    if (this.#closed) return;
    let opened = false;
    const socket = this.#options.openSocket(this.#options.socketUrl);
    this.#socket = socket;
    socket.addEventListener('open', () => {
      opened = true;
      const reconnected = this.#everOpened;
      this.#everOpened = true;
      this.#attempt = 0;
      this.connection.set({ status: 'open', message: null });
      for (const [id, pending] of this.#pending) if (!pending.sent) this.#send(id, pending);
      if (reconnected) void this.#refreshActiveRuns();
    });
    socket.addEventListener('message', (event) => {
      if (typeof event.data === 'string') this.#receive(event.data);
    });
    socket.addEventListener('close', () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#rejectInFlight();
      if (!this.#closed) void this.#afterClose(opened);
    });
    // 'error' is always followed by 'close', which does the work.
    socket.addEventListener('error', () => undefined);
  }

  async #afterClose(opened: boolean): Promise<void> {
    if (!opened) {
      // A refused upgrade looks like any network failure to a page: ask the host why.
      const status = await this.#options.fetchStatus(this.#options.authUrl).catch(() => 0);
      if (status === 401) return this.#fail(BAD_TOKEN_MESSAGE);
      if (this.#closed) return;
    }
    const { initialMs, maxMs } = this.#options.backoff;
    const delay = Math.min(maxMs, initialMs * 2 ** this.#attempt) * (0.75 + Math.random() / 4);
    this.#attempt += 1;
    this.connection.set({
      status: this.#everOpened ? 'reconnecting' : 'connecting',
      message: 'Cannot reach the Runlab host; retrying. Is `runlab serve` still running?',
    });
    this.#retryTimer = setTimeout(() => this.#connect(), delay);
  }

  #request(method: LabMethod, params: unknown, internal: boolean): Promise<unknown> {
    const { status, message } = this.connection.current;
    if (status === 'failed') return Promise.reject(unavailable(message ?? 'The Runlab host is not available.'));
    return new Promise((resolve, reject) => {
      const id = ++this.#nextId;
      const pending: Pending = { method, params, resolve, reject, sent: false, internal, timer: null };
      this.#pending.set(id, pending);
      if (this.#socket?.readyState === OPEN) return this.#send(id, pending);
      pending.timer = setTimeout(() => {
        this.#pending.delete(id);
        reject(
          unavailable(
            `${method}: no connection to the Runlab host after ${this.#options.connectWaitMs / 1000} s; is \`runlab serve\` still running?`,
          ),
        );
      }, this.#options.connectWaitMs);
    });
  }

  #send(id: number, pending: Pending): void {
    if (pending.timer) clearTimeout(pending.timer);
    pending.timer = null;
    pending.sent = true;
    // JSON also turns Svelte $state proxies into plain data.
    const message: WsRequest = { id, method: pending.method, params: pending.params };
    this.#socket!.send(JSON.stringify(message));
  }

  #receive(text: string): void {
    let message: WsServerMessage;
    try {
      message = JSON.parse(text) as WsServerMessage;
    } catch {
      return console.error('runlab: the host sent a message that is not JSON; ignored');
    }
    if ('id' in message) {
      const pending = message.id === null ? undefined : this.#pending.get(message.id);
      if (!pending) return console.error('runlab: host reply without a matching request:', message);
      this.#pending.delete(message.id!);
      if (!message.ok) return pending.reject(new LabError(message.error));
      if (pending.method === 'getMetrics' && !pending.internal) {
        for (const [id, rows] of Object.entries(message.value as Record<string, MetricRow[]>)) this.#watermarks.note(id, rows);
      }
      return pending.resolve(message.value);
    }
    if ('resync' in message) return void this.#resync(message.resync.ids);
    if (message.event === 'run:metrics') {
      const { id, rows } = message.payload;
      const waiting = this.#resyncing.get(id);
      if (waiting) return void waiting.push(...rows);
      this.#watermarks.note(id, rows);
    } else if (message.event === 'run:updated') {
      this.#statuses.set(message.payload.id, message.payload.status);
      // A resumed run's rows after its checkpoint were dropped: its watermarks start again.
      const generation = rowsGeneration(message.payload);
      const known = this.#generations.get(message.payload.id);
      if (justRewound(message.payload) || (known !== undefined && known !== generation)) this.#watermarks.forget(message.payload.id);
      this.#generations.set(message.payload.id, generation);
    } else if (message.event === 'run:deleted') {
      this.#statuses.delete(message.payload.id);
      this.#generations.delete(message.payload.id);
      this.#watermarks.forget(message.payload.id);
    }
    this.#emit(message.event, message.payload);
  }

  /** Refetches runs' metrics and delivers only rows past what listeners have seen. */
  async #resync(ids: readonly string[]): Promise<void> {
    const fresh = ids.filter((id) => !this.#resyncing.has(id));
    for (const id of fresh) this.#resyncing.set(id, []);
    await Promise.all(
      fresh.map(async (id) => {
        let rows: MetricRow[] = [];
        try {
          const reply = (await this.#request('getMetrics', { ids: [id] }, true)) as Record<string, MetricRow[]>;
          rows = reply[id] ?? [];
        } catch {
          // Deleted meanwhile, or the host went away: the pushes held back are all there is.
        }
        const held = this.#resyncing.get(id) ?? [];
        this.#resyncing.delete(id);
        const missed = this.#watermarks.fresh(id, [...rows, ...held]);
        if (missed.length > 0) this.#emit('run:metrics', { id, rows: missed });
      }),
    );
  }

  /** After a reconnect: runs that were queued or running may have moved on while we were away. */
  async #refreshActiveRuns(): Promise<void> {
    const ids = [...this.#statuses].filter(([, status]) => ACTIVE.includes(status)).map(([id]) => id);
    await Promise.all(
      ids.map(async (id) => {
        try {
          const run = (await this.#request('getRun', { id }, true)) as LabEvents['run:updated'];
          this.#statuses.set(id, run.status);
          this.#emit('run:updated', run);
        } catch (error) {
          if (error instanceof LabError && error.code === 'not_found') {
            this.#statuses.delete(id);
            this.#emit('run:deleted', { id });
          }
        }
      }),
    );
    await this.#resync(ids);
  }

  #on<E extends LabEventName>(event: E, listener: (payload: LabEvents[E]) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const entry = listener as (payload: never) => void;
    set.add(entry);
    return () => void set.delete(entry);
  }

  #emit<E extends LabEventName>(event: E, payload: LabEvents[E]): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        (listener as (payload: LabEvents[E]) => void)(payload);
      } catch (error) {
        // One broken view must not starve the others of events.
        console.error(`runlab: a '${event}' listener threw:`, error);
      }
    }
  }

  #rejectInFlight(): void {
    for (const [id, pending] of this.#pending) {
      if (!pending.sent) continue;
      this.#pending.delete(id);
      pending.reject(
        unavailable(`${pending.method}: the connection to the Runlab host dropped before it answered; check whether it took effect.`),
      );
    }
  }

  #fail(message: string): void {
    this.connection.set({ status: 'failed', message });
    for (const [id, pending] of this.#pending) {
      if (pending.timer) clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.reject(unavailable(message));
    }
  }
}

function unavailable(message: string): LabError {
  return new LabError({ code: 'unavailable', message } satisfies LabErrorInfo);
}
