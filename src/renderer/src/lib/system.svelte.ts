/**
 * SystemState: what the status footer shows — the backend `auto` resolves to, versions,
 * and whether the lab answers. A light ping keeps the connection indicator honest.
 */
import type { LabApi, SystemInfo } from '../../../shared/api';
import { errorMessage, isUnavailable } from './error-message';

export type Connection = 'connecting' | 'online' | 'offline';

export class SystemState {
  info = $state.raw<SystemInfo | null>(null);
  connection = $state<Connection>('connecting');
  error = $state<string | null>(null);
  /** True when the lab refused for lack of a token / transport: the whole UI is unusable. */
  unavailable = $state(false);

  readonly #lab: LabApi;

  constructor(lab: LabApi) {
    this.#lab = lab;
  }

  /** Loads system info now and pings every `everyMs`; returns the stop function. */
  start(everyMs = 10_000): () => void {
    void this.refresh();
    const timer = setInterval(() => void this.refresh(), everyMs);
    return () => clearInterval(timer);
  }

  async refresh(): Promise<void> {
    try {
      this.info = await this.#lab.systemInfo({});
      this.connection = 'online';
      this.error = null;
      this.unavailable = false;
    } catch (error) {
      this.connection = 'offline';
      this.error = errorMessage(error);
      if (isUnavailable(error) && this.info === null) this.unavailable = true;
    }
  }
}
