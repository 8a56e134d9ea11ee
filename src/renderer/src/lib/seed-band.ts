/**
 * The statistics a seed group is drawn and summarised with: per step, the mean of its runs
 * and the band around it (min–max, or mean ± the sample standard deviation), over the steps
 * every run of the group has; and the mean ± std of one number per run (final metrics).
 */

export type BandKind = 'minmax' | 'std';
export const BAND_KINDS = ['minmax', 'std'] as const satisfies readonly BandKind[];
export const BAND_LABELS: Record<BandKind, string> = { minmax: 'Min–max', std: '± std' };

/** One run's column: the step of each row (iteration or epoch, ascending), its x on the chosen axis, its value (NaN: none). */
export interface MemberColumn {
  steps: Float64Array;
  xs: Float64Array;
  ys: Float64Array;
}

export interface BandColumns {
  steps: Float64Array;
  /** The mean of the runs' x at each step (equal to the step on the iteration and epoch axes; wall time differs per run). */
  xs: Float64Array;
  mean: Float64Array;
  lo: Float64Array;
  hi: Float64Array;
}

/**
 * Mean and band over the steps all members have (a step one run lacks is left out, so the
 * mean never jumps where a shorter run ends). A step where a run has no value (diverged) is
 * NaN in all three: a gap, as in that run's own line.
 */
export function bandColumns(members: readonly MemberColumn[], kind: BandKind): BandColumns {
  const n = members.length;
  const empty = (): BandColumns => ({
    steps: new Float64Array(0),
    xs: new Float64Array(0),
    mean: new Float64Array(0),
    lo: new Float64Array(0),
    hi: new Float64Array(0),
  });
  if (n === 0) return empty();
  const at = new Array<number>(n).fill(0);
  const steps: number[] = [];
  const xs: number[] = [];
  const mean: number[] = [];
  const lo: number[] = [];
  const hi: number[] = [];
  const values = new Float64Array(n);
  for (;;) {
    // The largest of the members' current steps; every member advances to it.
    let target = -Infinity;
    for (let m = 0; m < n; m++) {
      const col = members[m]!;
      if (at[m]! >= col.steps.length) return pack();
      target = Math.max(target, col.steps[at[m]!]!);
    }
    let all = true;
    for (let m = 0; m < n; m++) {
      const col = members[m]!;
      let i = at[m]!;
      while (i < col.steps.length && col.steps[i]! < target) i++;
      at[m] = i;
      if (i >= col.steps.length) return pack();
      if (col.steps[i]! !== target) all = false;
    }
    if (!all) continue;
    let x = 0;
    let sum = 0;
    let gap = false;
    for (let m = 0; m < n; m++) {
      const col = members[m]!;
      const i = at[m]!;
      x += col.xs[i]!;
      const y = col.ys[i]!;
      values[m] = y;
      if (Number.isNaN(y)) gap = true;
      sum += y;
      at[m] = i + 1;
    }
    steps.push(target);
    xs.push(x / n);
    if (gap) {
      mean.push(NaN);
      lo.push(NaN);
      hi.push(NaN);
      continue;
    }
    const mu = sum / n;
    mean.push(mu);
    if (kind === 'minmax') {
      let min = Infinity;
      let max = -Infinity;
      for (let m = 0; m < n; m++) {
        min = Math.min(min, values[m]!);
        max = Math.max(max, values[m]!);
      }
      lo.push(min);
      hi.push(max);
    } else {
      const sd = sampleStd(values, mu);
      lo.push(mu - sd);
      hi.push(mu + sd);
    }
  }

  function pack(): BandColumns {
    return {
      steps: Float64Array.from(steps),
      xs: Float64Array.from(xs),
      mean: Float64Array.from(mean),
      lo: Float64Array.from(lo),
      hi: Float64Array.from(hi),
    };
  }
}

/** The sample standard deviation (n − 1; 0 for one value) of values around their mean. */
function sampleStd(values: ArrayLike<number>, mean: number): number {
  if (values.length < 2) return 0;
  let ss = 0;
  for (let i = 0; i < values.length; i++) ss += (values[i]! - mean) ** 2;
  return Math.sqrt(ss / (values.length - 1));
}

/** Mean ± sample std of the finite values (a run without the metric is left out); null when none. */
export function meanStd(values: readonly (number | null | undefined)[]): { mean: number; std: number; n: number } | null {
  const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (finite.length === 0) return null;
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  return { mean, std: sampleStd(finite, mean), n: finite.length };
}
