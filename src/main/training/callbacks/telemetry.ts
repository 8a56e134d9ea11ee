/**
 * TelemetryCallback: streams plain-number metric rows to whoever supervises the run — an
 * IterRow per training iteration (from the Recorder's read-back losses) and an EpochRow per
 * epoch (from AvgStats). Rows are coalesced: the sink gets them in batches when `maxRows`
 * are waiting or `maxMs` passed, and at every epoch end and at the end of the fit. Each
 * row is delivered exactly once, in order.
 */
import type { EpochRow, IterRow, MetricRow } from '../../../shared/records';
import { Callback } from '../loop/callback';
import { AvgStatsCallback, type PassStats } from './avg-stats';
import { RecorderCallback } from './recorder';

export interface TelemetryOptions {
  sink: (rows: MetricRow[]) => void;
  /** Deliver once this many rows wait (default 256). */
  maxRows?: number;
  /** …or once this many ms passed since the last delivery (default 250). */
  maxMs?: number;
  /** Deliver the fit's first row as soon as it exists, for a chart's first point (default false). */
  firstRowAtOnce?: boolean;
  now?: () => number;
}

/** JSON has no NaN/Infinity: a diverged value travels as null. */
const finiteOrNull = (v: number | undefined): number | null => (v !== undefined && Number.isFinite(v) ? v : null);

export class TelemetryCallback extends Callback {
  override readonly needs = [RecorderCallback, AvgStatsCallback];
  override readonly runAfter = [RecorderCallback, AvgStatsCallback];
  private readonly sink: (rows: MetricRow[]) => void;
  private readonly maxRows: number;
  private readonly maxMs: number;
  private readonly firstRowAtOnce: boolean;
  private delivered = false;
  private readonly now: () => number;
  private rows: MetricRow[] = [];
  /** Recorder entries already turned into rows. */
  private sent = 0;
  private lastFlush = 0;
  private epochStart = 0;

  constructor(opts: TelemetryOptions) {
    super();
    this.sink = opts.sink;
    this.maxRows = opts.maxRows ?? 256;
    this.maxMs = opts.maxMs ?? 250;
    this.firstRowAtOnce = opts.firstRowAtOnce ?? false;
    this.now = opts.now ?? (() => performance.now());
  }

  override async begin_fit(): Promise<void> {
    this.rows = [];
    this.sent = 0;
    this.delivered = false;
    this.lastFlush = this.now();
  }

  override async begin_epoch(): Promise<void> {
    this.epochStart = this.now();
  }

  override async after_batch(): Promise<void> {
    this.collectIters();
    const firstNow = this.firstRowAtOnce && !this.delivered;
    if (this.rows.length > 0 && (firstNow || this.now() - this.lastFlush >= this.maxMs)) this.flush();
  }

  override async after_epoch(): Promise<void> {
    this.collectIters();
    const last = this.stats().last;
    const pass = (p: PassStats | null | undefined) => ({ loss: finiteOrNull(p?.loss), accuracy: finiteOrNull(p?.metrics.accuracy) });
    const train = pass(last?.train);
    const valid = pass(last?.valid);
    const row: EpochRow = {
      kind: 'epoch',
      epoch: this.runner.epoch + 1,
      iter: this.runner.nIter,
      train_loss: train.loss,
      train_accuracy: train.accuracy,
      valid_loss: valid.loss,
      valid_accuracy: valid.accuracy,
      seconds: (this.now() - this.epochStart) / 1000,
      t: this.recorder().elapsed(),
    };
    this.rows.push(row);
    this.flush();
  }

  override async after_fit(): Promise<void> {
    this.collectIters();
    this.flush();
  }

  /** Turns the Recorder's newly read-back iterations into rows. */
  private collectIters(): void {
    const rec = this.recorder();
    for (; this.sent < rec.losses.length; this.sent++) {
      const i = this.sent;
      const row: IterRow = {
        kind: 'iter',
        iter: rec.iters[i]!,
        epoch: rec.epochs[i]!,
        loss: finiteOrNull(rec.losses[i]),
        lr: rec.lrs[i]!,
        t: rec.times[i]!,
      };
      this.rows.push(row);
      if (this.rows.length >= this.maxRows) this.flush();
    }
  }

  /** Sends every row the Recorder has read so far, now (a pause sends everything before it waits). */
  sendNow(): void {
    this.collectIters();
    this.flush();
  }

  private flush(): void {
    this.lastFlush = this.now();
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    this.delivered = true;
    this.sink(rows);
  }

  private recorder(): RecorderCallback {
    return this.runner.get(RecorderCallback)!;
  }

  private stats(): AvgStatsCallback {
    return this.runner.get(AvgStatsCallback)!;
  }
}
