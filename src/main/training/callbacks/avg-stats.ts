/**
 * AvgStatsCallback: loss and metrics for the train and valid passes, averaged over samples
 * (each batch weighted by its size), as fastai's AvgStats. Each batch's loss, predictions
 * and labels come through the Runner's step values — read in place on wasm and cpu, in
 * batched readbacks on a GPU — and a metric with a host form scores them there; any other
 * metric is a tensor read the same way.
 */
import * as tf from '@tensorflow/tfjs';
import { Callback } from '../loop/callback';
import type { MetricFn } from '../metrics';

export interface PassStats {
  /** Samples seen. */
  count: number;
  loss: number;
  metrics: Record<string, number>;
}

export interface EpochStats {
  /** 1-based epoch. */
  epoch: number;
  train: PassStats | null;
  valid: PassStats | null;
}

/** A pass's sums in double precision: samples, loss · n, and each metric's score · n. */
class PassSums {
  count = 0;
  private sums: number[];

  constructor(private readonly names: string[]) {
    this.sums = [0, ...names.map(() => 0)];
  }

  add(samples: number, weighted: number[]): void {
    this.count += samples;
    weighted.forEach((v, i) => (this.sums[i]! += v));
  }

  /** Sample-weighted averages (null when the pass saw no samples). */
  result(): PassStats | null {
    if (this.count === 0) return null;
    const [loss, ...metrics] = this.sums.map((v) => v / this.count);
    return { count: this.count, loss: loss!, metrics: Object.fromEntries(this.names.map((name, i) => [name, metrics[i]!])) };
  }

  reset(): void {
    this.count = 0;
    this.sums = this.sums.map(() => 0);
  }
}

export class AvgStatsCallback extends Callback {
  readonly history: EpochStats[] = [];
  private readonly metrics: [string, MetricFn][];
  private readonly train: PassSums;
  private readonly valid: PassSums;

  /** `metrics` by name, e.g. `{ accuracy }`. */
  constructor(metrics: Record<string, MetricFn> = {}) {
    super();
    this.metrics = Object.entries(metrics);
    this.train = new PassSums(this.metrics.map(([name]) => name));
    this.valid = new PassSums(this.metrics.map(([name]) => name));
  }

  /** The last finished epoch's stats, if any. */
  get last(): EpochStats | null {
    return this.history.at(-1) ?? null;
  }

  override async begin_fit(): Promise<void> {
    this.history.length = 0;
  }

  override async begin_epoch(): Promise<void> {
    this.train.reset();
    this.valid.reset();
  }

  override async after_loss(): Promise<void> {
    const { loss, pred, yb, inTrain, values } = this.runner;
    if (loss === null || pred === null || yb === null) return;
    const sums = inTrain ? this.train : this.valid;
    const n = yb.shape[0]!;
    const [rows, classes] = pred.shape as [number, number];
    // Host forms score [rows, classes] predictions; any other metric is a tensor to read.
    const onHost = this.metrics.map(([, fn]) => (pred.rank === 2 ? fn.host : undefined));
    const scores = this.metrics.flatMap(([, fn], i) => (onHost[i] ? [] : [fn(pred, yb)]));
    const needsBatch = onHost.some((h) => h !== undefined);
    values.read([loss, ...(needsBatch ? [pred, yb] : []), ...scores], ([l, ...rest]) => {
      const [p, y] = needsBatch ? rest : [];
      let k = needsBatch ? 2 : 0;
      const weighted = onHost.map((host) => (host ? host(p!, rows, classes, y!) : rest[k++]![0]! * n));
      sums.add(n, [l![0]! * n, ...weighted]);
    });
    tf.dispose(scores);
  }

  override async after_epoch(): Promise<void> {
    this.history.push({ epoch: this.runner.epoch + 1, train: this.train.result(), valid: this.valid.result() });
  }
}
