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
import { stateNumber, stateObject, type Resumable } from '../loop/resumable';

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

  /** The pass so far: samples and [loss · n, ...each metric's score · n]. */
  totals(): { count: number; sums: number[] } {
    return { count: this.count, sums: [...this.sums] };
  }

  /** Starts the pass over from saved totals (a resumed epoch's batches before the checkpoint). */
  restore(count: number, sums: readonly number[]): void {
    this.count = count;
    this.sums = [...sums];
  }

  reset(): void {
    this.count = 0;
    this.sums = this.sums.map(() => 0);
  }
}

export class AvgStatsCallback extends Callback implements Resumable {
  readonly history: EpochStats[] = [];
  private readonly metrics: [string, MetricFn][];
  private readonly train: PassSums;
  private readonly valid: PassSums;
  private readonly names: string[];

  /** `metrics` by name, e.g. `{ accuracy }`. */
  constructor(metrics: Record<string, MetricFn> = {}) {
    super();
    this.metrics = Object.entries(metrics);
    this.names = this.metrics.map(([name]) => name);
    this.train = new PassSums(this.names);
    this.valid = new PassSums(this.names);
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
    // The epoch is in the history: its sums are done (an epoch-end checkpoint keeps no pass in progress).
    this.train.reset();
    this.valid.reset();
  }

  /**
   * The finished epochs and the training pass so far (a resumed epoch's train averages then
   * count every batch); the validation pass is not kept, a resumed epoch validates again.
   */
  async state(): Promise<{ metrics: string[]; history: unknown[]; train: { count: number; sums: (number | null)[] } }> {
    // Reads still on their way from a device belong to the pass so far.
    await this.runner.values.flush();
    const train = this.train.totals();
    return {
      metrics: this.names,
      history: this.history.map((e) => ({ epoch: e.epoch, train: passJson(e.train), valid: passJson(e.valid) })),
      train: { count: train.count, sums: train.sums.map(finiteOrNull) },
    };
  }

  loadState(state: unknown): void {
    const who = 'AvgStatsCallback';
    const s = stateObject(who, state);
    if (JSON.stringify(s.metrics) !== JSON.stringify(this.names)) {
      throw new Error(`${who}: the checkpoint has metrics ${JSON.stringify(s.metrics)}, this run ${JSON.stringify(this.names)}`);
    }
    if (!Array.isArray(s.history)) throw new Error(`${who}: saved state.history must be a list`);
    const history = s.history.map((e, i) => {
      const epoch = stateObject(`${who} history[${i}]`, e);
      return {
        epoch: stateNumber(`${who} history[${i}]`, epoch, 'epoch', true),
        train: passFromJson(`${who} history[${i}].train`, epoch.train, this.names),
        valid: passFromJson(`${who} history[${i}].valid`, epoch.valid, this.names),
      };
    });
    const train = stateObject(`${who} train`, s.train);
    const sums = train.sums;
    if (!Array.isArray(sums) || sums.length !== this.names.length + 1 || !sums.every((v) => v === null || typeof v === 'number')) {
      throw new Error(`${who}: saved state.train.sums must be ${this.names.length + 1} numbers`);
    }
    this.history.splice(0, this.history.length, ...history);
    this.train.restore(
      stateNumber(`${who} train`, train, 'count', true),
      sums.map((v) => (v === null ? NaN : (v as number))),
    );
  }
}

/** JSON has no NaN: a diverged value is kept as null. */
const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);

function passJson(p: PassStats | null): unknown {
  if (p === null) return null;
  return {
    count: p.count,
    loss: finiteOrNull(p.loss),
    metrics: Object.fromEntries(Object.entries(p.metrics).map(([k, v]) => [k, finiteOrNull(v)])),
  };
}

function passFromJson(who: string, json: unknown, names: readonly string[]): PassStats | null {
  if (json === null) return null;
  const p = stateObject(who, json);
  const metrics = stateObject(`${who}.metrics`, p.metrics);
  const num = (v: unknown, key: string): number => {
    if (v === null) return NaN;
    if (typeof v !== 'number') throw new Error(`${who}: saved ${key} must be a number or null`);
    return v;
  };
  return {
    count: stateNumber(who, p, 'count', true),
    loss: num(p.loss, 'loss'),
    metrics: Object.fromEntries(names.map((n) => [n, num(metrics[n], `metrics.${n}`)])),
  };
}
