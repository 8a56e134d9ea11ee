/**
 * TimeSlice: long work on the host's event loop (reading a million metric rows) done in
 * slices, yielding to the loop whenever `budgetMs` has passed, so other clients' requests
 * and pushes wait at most about one slice. The longest stall is what the bench measures.
 */
export class TimeSlice {
  private since = performance.now();

  constructor(private readonly budgetMs = 8) {}

  /** Call between small pieces of work; resolves at once unless the slice is used up. */
  async maybeYield(): Promise<void> {
    if (performance.now() - this.since < this.budgetMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.since = performance.now();
  }
}
