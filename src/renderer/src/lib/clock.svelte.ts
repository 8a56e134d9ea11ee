/** A ticking "now" for elapsed times and ETA; one interval per view that needs it. */
export class Clock {
  now = $state(Date.now());

  start(everyMs = 1000): () => void {
    const timer = setInterval(() => (this.now = Date.now()), everyMs);
    return () => clearInterval(timer);
  }
}
