/**
 * Runs a flush at most once per animation frame however often `schedule` is called:
 * push events can arrive hundreds of times a second, the screen changes 60 times.
 */
export class FrameBatcher {
  #handle = 0;
  readonly #flush: () => void;

  constructor(flush: () => void) {
    this.#flush = flush;
  }

  schedule(): void {
    if (this.#handle !== 0) return;
    this.#handle = requestAnimationFrame(() => {
      this.#handle = 0;
      this.#flush();
    });
  }

  cancel(): void {
    if (this.#handle !== 0) cancelAnimationFrame(this.#handle);
    this.#handle = 0;
  }
}
