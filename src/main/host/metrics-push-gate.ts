/**
 * MetricsPushGate: decides, per client, whether a `run:metrics` push goes out now. Above the
 * high-water mark of bytes already buffered for the client the push is skipped and its run
 * remembered; the first push admitted afterwards carries the list of runs to resync.
 */
export type GateDecision = { send: false } | { send: true; resync: string[] | null };

export class MetricsPushGate {
  readonly #skipped = new Set<string>();

  constructor(readonly highWater: number) {}

  admit(runId: string, bufferedBytes: number): GateDecision {
    if (bufferedBytes > this.highWater) {
      this.#skipped.add(runId);
      return { send: false };
    }
    if (this.#skipped.size === 0) return { send: true, resync: null };
    const resync = [...this.#skipped];
    this.#skipped.clear();
    return { send: true, resync };
  }
}
