/** Small statistics for benchmark repeats: medians, paired ratios, throughput from timestamps. */

/** Median of the finite values (mean of the middle two for an even count); null when none. */
export function median(values: readonly number[]): number | null {
  const xs = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (xs.length === 0) return null;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid]! : (xs[mid - 1]! + xs[mid]!) / 2;
}

/**
 * Median of per-repeat ratios a[i] / b[i] of paired measurements: repeat i of A ran next
 * to repeat i of B, so drift in the machine's load cancels out of each pair.
 */
export function pairedRatio(a: readonly (number | null)[], b: readonly (number | null)[]): number | null {
  return median(pairedRatios(a, b));
}

/** The per-repeat ratios a[i] / b[i] where both were measured. */
export function pairedRatios(a: readonly (number | null)[], b: readonly (number | null)[]): number[] {
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x != null && y != null && y > 0) ratios.push(x / y);
  }
  return ratios;
}

/**
 * The largest value over all repeats' lists (null when none): a contender's fastest timed
 * epoch, its speed while the shared machine left it alone — other work only ever slows a
 * run down, so the best of many epochs is the least noisy estimate (as Python's timeit
 * takes the minimum time).
 */
export function best(lists: readonly (readonly (number | null)[] | null)[]): number | null {
  const xs = lists.flatMap((l) => l ?? []).filter((x): x is number => x != null && Number.isFinite(x));
  return xs.length === 0 ? null : Math.max(...xs);
}

/** a / b, null when either is missing. */
export function ratioOf(a: number | null, b: number | null): number | null {
  return a != null && b != null && b > 0 ? a / b : null;
}

/** [smallest, largest] of the values; null when there are none. */
export function range(values: readonly number[]): [number, number] | null {
  return values.length === 0 ? null : [Math.min(...values), Math.max(...values)];
}

/** One finished step: when it ended (ms) and how many samples it processed. */
export interface Tick {
  t: number;
  samples: number;
}

/**
 * Samples per second over consecutive steps: the first tick only marks the start, so the
 * time covers exactly the samples of ticks 2..n. Null with fewer than two ticks or no time.
 */
export function throughput(ticks: readonly Tick[]): number | null {
  if (ticks.length < 2) return null;
  const ms = ticks.at(-1)!.t - ticks[0]!.t;
  if (!(ms > 0)) return null;
  let samples = 0;
  for (let i = 1; i < ticks.length; i++) samples += ticks[i]!.samples;
  return (samples / ms) * 1000;
}

/** Sum of several throughput windows (e.g. one per epoch): total samples over total time. */
export function pooledThroughput(windows: readonly (readonly Tick[])[]): number | null {
  let samples = 0;
  let ms = 0;
  for (const w of windows) {
    if (w.length < 2) continue;
    ms += w.at(-1)!.t - w[0]!.t;
    for (let i = 1; i < w.length; i++) samples += w[i]!.samples;
  }
  return ms > 0 ? (samples / ms) * 1000 : null;
}

/** Samples in batch `index` (0-based) of an epoch of `n` samples cut into batches of `batchSize`. */
export function batchSamples(index: number, n: number, batchSize: number): number {
  return Math.max(0, Math.min(batchSize, n - index * batchSize));
}
