/** LoadingReporter: thins out data-loading progress before it crosses a process boundary. */

/** Passes loading progress on at most every `everyMs`, and always the first and the last. */
export class LoadingReporter {
  private last = -Infinity;
  constructor(
    private readonly send: (done: number, total: number) => void,
    private readonly everyMs = 200,
    private readonly now: () => number = () => performance.now(),
  ) {}

  readonly report = (done: number, total: number): void => {
    const t = this.now();
    if (done !== 0 && done !== total && t - this.last < this.everyMs) return;
    this.last = t;
    this.send(done, total);
  };
}
