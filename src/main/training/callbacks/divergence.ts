/**
 * DivergenceCallback: stops a fit whose loss blows up and flags one that never learns.
 *
 * Diverged: the smoothed training loss (fastai's debiased moving average, β 0.98) has grown
 * past `factor` times its best and past the loss the untrained model started at — a loss
 * that goes from 2.3 to 600,000 while TerminateOnNaN, which only sees NaN and ±∞, lets the
 * run end `completed`. It stops at once (CancelTrainException, stopReason 'diverged') with
 * the lr to try next. The rule is the LR finder's (smoothed loss > 4 × best), plus "worse
 * than untrained", so a late spike in a healthy run is never mistaken for divergence.
 *
 * Never learned: at the end of a fit with at least one validated epoch, a best valid
 * accuracy within `chanceMargin` of chance (1 / classes) is a warning, not a failure.
 */
import { Callback } from '../loop/callback';
import { CancelTrainException } from '../loop/cancel';
import { stateNumber, stateNumberOrNull, stateObject, type Resumable } from '../loop/resumable';
import { AvgStatsCallback } from './avg-stats';
import { TerminateOnNaNCallback } from './terminate-on-nan';

export interface DivergenceOptions {
  /** The smoothed loss this many times its best is divergence (default 4). */
  factor?: number;
  /** Moving-average weight (default 0.98, as fastai's LR finder). */
  beta?: number;
  /** A best valid accuracy below chance + this counts as not learning (default 0.05). */
  chanceMargin?: number;
}

export class DivergenceCallback extends Callback implements Resumable {
  /** After TerminateOnNaN (itself after the Recorder), which handles NaN and ±∞ first. */
  override readonly runAfter = [TerminateOnNaNCallback];
  /** Why the run diverged, e.g. "the smoothed loss reached 99.3 at iteration 4, over 4× its best (2.34)". */
  detail: string | null = null;
  /** Why the run looks like it never learned; null when it did (or nothing was validated). */
  warning: string | null = null;
  /** The best smoothed loss so far and the first one (the untrained model's). */
  best = Number.POSITIVE_INFINITY;
  first = Number.NaN;
  private readonly factor: number;
  private readonly beta: number;
  private readonly chanceMargin: number;
  private average = 0;
  private count = 0;

  constructor(opts: DivergenceOptions = {}) {
    super();
    this.factor = opts.factor ?? 4;
    this.beta = opts.beta ?? 0.98;
    this.chanceMargin = opts.chanceMargin ?? 0.05;
  }

  override async begin_fit(): Promise<void> {
    this.detail = this.warning = null;
    this.best = Number.POSITIVE_INFINITY;
    this.first = Number.NaN;
    this.average = this.count = 0;
  }

  /** A resumed fit keeps the moving average and, above all, the untrained loss it compares with. */
  state(): { average: number; count: number; best: number | null; first: number | null } {
    const finite = (v: number) => (Number.isFinite(v) ? v : null);
    return { average: this.average, count: this.count, best: finite(this.best), first: finite(this.first) };
  }

  loadState(state: unknown): void {
    const s = stateObject('DivergenceCallback', state);
    this.average = stateNumber('DivergenceCallback', s, 'average');
    this.count = stateNumber('DivergenceCallback', s, 'count', true);
    this.best = stateNumberOrNull('DivergenceCallback', s, 'best') ?? Number.POSITIVE_INFINITY;
    this.first = stateNumberOrNull('DivergenceCallback', s, 'first') ?? Number.NaN;
  }

  override async after_batch(): Promise<void> {
    const r = this.runner;
    if (!r.inTrain || r.loss === null) return;
    const iter = r.nIter;
    // Through the step values, as TerminateOnNaN: at this batch on wasm/cpu, within a readback on a GPU.
    r.values.read([r.loss], ([values]) => {
      const loss = values![0]!;
      if (!Number.isFinite(loss) || this.detail !== null) return;
      this.average = this.beta * this.average + (1 - this.beta) * loss;
      this.count++;
      const smooth = this.average / (1 - this.beta ** this.count);
      if (this.count === 1) this.first = smooth;
      if (smooth < this.best) this.best = smooth;
      if (smooth > this.factor * this.best && smooth > this.first) {
        r.stopReason = 'diverged';
        this.detail = `the smoothed loss reached ${short(smooth)} at iteration ${iter}, over ${this.factor}× its best (${short(this.best)})`;
        throw new CancelTrainException(this.detail);
      }
    });
  }

  override async after_fit(): Promise<void> {
    if (this.detail !== null || this.runner.stopReason === 'nan' || this.runner.stopReason === 'user') return;
    const stats = this.runner.get(AvgStatsCallback);
    if (!stats) return;
    const accuracies = stats.history
      .map((e) => e.valid?.metrics.accuracy)
      .filter((a): a is number => a !== undefined && Number.isFinite(a));
    if (accuracies.length === 0) return;
    const classes = this.runner.learner.data.c;
    const chance = 1 / classes;
    const best = Math.max(...accuracies);
    if (best < chance + this.chanceMargin) {
      this.warning =
        `valid accuracy never rose above ${percent(best)}, chance level for ${classes} classes (${percent(chance)}): ` +
        'the model did not learn; try another learning rate';
    }
  }
}

/** The learning rate to suggest after a divergence: a tenth, in two significant digits. */
export function lowerLearningRate(lr: number): number {
  return Number((lr / 10).toPrecision(2));
}

function short(v: number): string {
  return Math.abs(v) >= 1e5 ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

function percent(v: number): string {
  return `${(v * 100).toFixed(1)}%`;
}
