/**
 * The LR finder's curve and fastai's suggestions from it (fastai v2's lr_find: the Recorder's
 * smoothed loss, the first tenth and last five points left out): valley (the longest
 * stretch where the loss keeps falling, a little past its middle), steep (where the loss
 * falls fastest against log lr) and minimum/10 (a tenth of the lr at the lowest loss).
 * Pure numbers, shared by the engine (which stores them) and the UI (which marks them).
 */

/** fastai's SmoothenValue: an exponential moving average with debiasing (beta 0.98). Non-finite losses stay non-finite. */
export function smoothLosses(losses: readonly number[], beta = 0.98): number[] {
  let avg = 0;
  return losses.map((loss, i) => {
    avg = beta * avg + (1 - beta) * loss;
    return avg / (1 - beta ** (i + 1));
  });
}

export interface LrSuggestions {
  valley: number | null;
  steep: number | null;
  /** The lr at the lowest loss, divided by 10. */
  minimum: number | null;
}

/** fastai's suggestions on the (smoothed) curve; null each where the curve is too short to tell. */
export function lrSuggestions(lrs: readonly number[], losses: readonly number[]): LrSuggestions {
  const n = Math.min(lrs.length, losses.length);
  const points: { lr: number; loss: number }[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(losses[i]!) && lrs[i]! > 0) points.push({ lr: lrs[i]!, loss: losses[i]! });
  // fastai trims lrs[num_it // 10 : -5]; on a short curve that would leave nothing, so keep it whole.
  const skipStart = Math.floor(points.length / 10);
  const trimmed = points.length - skipStart - 5 >= 3 ? points.slice(skipStart, points.length - 5) : points;
  if (trimmed.length < 2) return { valley: null, steep: null, minimum: null };
  return { valley: valley(trimmed), steep: steep(trimmed), minimum: minimum(trimmed) };
}

function minimum(points: readonly { lr: number; loss: number }[]): number {
  let best = points[0]!;
  for (const p of points) if (p.loss < best.loss) best = p;
  return best.lr / 10;
}

function steep(points: readonly { lr: number; loss: number }[]): number {
  let at = 0;
  let slope = Infinity;
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const g = (b.loss - a.loss) / (Math.log(b.lr) - Math.log(a.lr));
    if (g < slope) [slope, at] = [g, i];
  }
  return points[at]!.lr;
}

/** fastai's valley: the longest decreasing subsequence of the loss, then 1/3 + 1/6 of the way along it. */
function valley(points: readonly { lr: number; loss: number }[]): number {
  const n = points.length;
  const lds = new Array<number>(n).fill(1);
  let maxStart = 0;
  let maxEnd = 0;
  for (let i = 1; i < n; i++) {
    for (let j = 0; j < i; j++) {
      if (points[i]!.loss < points[j]!.loss && lds[i]! < lds[j]! + 1) lds[i] = lds[j]! + 1;
      if (lds[maxEnd]! < lds[i]!) {
        maxEnd = i;
        maxStart = maxEnd - lds[maxEnd]!;
      }
    }
  }
  const sections = (maxEnd - maxStart) / 3;
  const idx = Math.min(n - 1, Math.max(0, maxStart + Math.floor(sections) + Math.floor(sections / 2)));
  return points[idx]!.lr;
}
