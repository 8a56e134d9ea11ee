/**
 * SystemState: what the status footer shows — the backend `auto` resolves to, versions —
 * and the state of the link to the lab (from the bridge). A link that failed for good (no
 * token, a refused token) makes the whole UI unusable: App shows a full-page message.
 */
import type { LabApi, SystemInfo } from '../../../shared/api';
import type { ConnectionState } from './connection-state';
import { errorMessage } from './error-message';

export class SystemState {
  info = $state.raw<SystemInfo | null>(null);
  connection = $state.raw<ConnectionState>({ status: 'connecting', message: null });
  error = $state<string | null>(null);
  /** Whether actions that need the lab (start, stop, rename, delete, export) can be taken now. */
  online = $derived(this.connection.status === 'open');

  readonly #lab: LabApi;

  constructor(lab: LabApi) {
    this.#lab = lab;
  }

  /**
   * Follows the bridge's connection state; loads system info now and after each reconnect
   * (then calls `onReconnect`, so lists can catch up). Returns the stop function.
   */
  start(subscribe: (listener: (state: ConnectionState) => void) => () => void, onReconnect: () => void): () => void {
    void this.refresh();
    let wasDown = false;
    return subscribe((state) => {
      this.connection = state;
      if (state.status === 'reconnecting') wasDown = true;
      if (state.status === 'open' && wasDown) {
        wasDown = false;
        void this.refresh();
        onReconnect();
      }
    });
  }

  async refresh(): Promise<void> {
    try {
      this.info = await this.#lab.systemInfo({});
      this.error = null;
    } catch (error) {
      this.error = errorMessage(error);
    }
  }
}
