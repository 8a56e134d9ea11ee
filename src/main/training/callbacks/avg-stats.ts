/**
 * AvgStatsCallback: loss and metrics for the train and valid passes, averaged over samples
 * (each batch weighted by its size). Where the backend keeps tensors in host memory (wasm,
 * cpu) each batch's loss and metric scores are read in place and summed at once, with no
 * kernel and no tensor kept; elsewhere (a GPU) per-batch values stay on the device and are
 * summed and read back once per pass at after_epoch — no readback per step.
 */
import * as tf from '@tensorflow/tfjs';
import { Callback } from '../loop/callback';
import type { MetricFn } from '../metrics';
import { hostValues } from '../kernels/host-memory';
import { retain } from '../kernels/retain';
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

/**
 * A pass's sums. On the host: the loss times the batch size and each metric's sum of
 * per-sample scores, added up in double precision as batches come. On the device: per-batch
 * loss and metric values, kept as tensors; `read` weights them by batch size and sums them
 * there, then brings back one small tensor. A per-sample metric keeps its per-batch
 * reductions (and the pass keeps its labels) and is scored at `read`.
 */
class PassSums {
  private readonly values: tf.Tensor[][];
  private labels: tf.Tensor[] = [];
  private sizes: number[] = [];
  private readonly needsLabels: boolean;
  /** Every metric scores on the host. */
  private readonly hostScores: boolean;
  /** Batches added on the host: their samples, and [loss · n, ...each metric's score sum]. */
  private hostCount = 0;
  private hostSums: number[];

  constructor(
    private readonly metrics: [string, MetricFn][],
    inPlace: boolean,
  ) {
    this.values = [[], ...metrics.map(() => [])];
    this.needsLabels = metrics.some(([, fn]) => fn.perSample !== undefined);
    this.hostScores = inPlace && metrics.every(([, fn]) => fn.host !== undefined);
    this.hostSums = this.values.map(() => 0);
  }

  get count(): number {
    return this.sizes.reduce((a, b) => a + b, this.hostCount);
  }

  add(loss: tf.Scalar, pred: tf.Tensor, yb: tf.Tensor, batchSize: number): void {
    if (this.hostScores && pred.rank === 2 && this.addOnHost(loss, pred, yb, batchSize)) return;
    this.values[0]!.push(retain(loss));
    this.metrics.forEach(([, fn], i) => this.values[i + 1]!.push(fn.perSample ? fn.perSample.reduce(pred) : fn(pred, yb)));
    if (this.needsLabels) this.labels.push(retain(yb));
    this.sizes.push(batchSize);
  }

  /** Adds the batch from host memory; false when its tensors are not there. */
  private addOnHost(loss: tf.Scalar, pred: tf.Tensor, yb: tf.Tensor, batchSize: number): boolean {
    const lossValue = hostValues(loss);
    const predValues = hostValues(pred);
    const labels = hostValues(yb);
    if (!lossValue || !predValues || !labels) return false;
    const [rows, classes] = pred.shape as [number, number];
    this.hostSums[0]! += lossValue[0]! * batchSize;
    this.metrics.forEach(([, fn], i) => (this.hostSums[i + 1]! += fn.host!(predValues, rows, classes, labels)));
    this.hostCount += batchSize;
    return true;
  }

  /** The pass so far as numbers — samples and [loss · n, ...each metric's sum] — leaving it as it is. */
  async totals(): Promise<{ count: number; sums: number[] }> {
    const sums = [...this.hostSums];
    if (this.sizes.length > 0) (await this.deviceSums()).forEach((v, i) => (sums[i]! += v));
    return { count: this.count, sums };
  }

  /** Starts the pass over from saved totals (a resumed epoch's batches before the checkpoint). */
  restore(count: number, sums: readonly number[]): void {
    this.dispose();
    this.hostCount = count;
    this.hostSums = [...sums];
  }

  /** Sample-weighted averages as numbers (null when the pass saw no samples), and a reset. */
  async read(): Promise<PassStats | null> {
    const count = this.count;
    if (count === 0) return null;
    const sums = [...this.hostSums];
    if (this.sizes.length > 0) (await this.deviceSums()).forEach((v, i) => (sums[i]! += v));
    this.dispose();
    const [loss, ...metrics] = sums.map((v) => v / count);
    return { count, loss: loss!, metrics: Object.fromEntries(this.metrics.map(([name], i) => [name, metrics[i]!])) };
  }

  /** [loss · n, ...each metric's sum] of the batches kept on the device, in one read. */
  private async deviceSums(): Promise<Float32Array> {
    const sums = tf.tidy(() => {
      const weights = tf.tensor1d(this.sizes);
      const weighted = (column: tf.Tensor[]) => tf.sum(tf.mul(tf.stack(column), weights));
      const labels = this.needsLabels ? tf.concat(this.labels) : null;
      const metricSums = this.metrics.map(([, fn], i) => {
        const column = this.values[i + 1]!;
        return fn.perSample ? tf.sum(tf.cast(fn.perSample.score(tf.concat(column), labels!), 'float32')) : weighted(column);
      });
      return tf.stack([weighted(this.values[0]!), ...metricSums]);
    });
    try {
      return (await sums.data()) as Float32Array;
    } finally {
      sums.dispose();
    }
  }

  dispose(): void {
    for (const column of [...this.values, this.labels]) {
      for (const t of column) t.dispose();
      column.length = 0;
    }
    this.sizes = [];
    this.hostCount = 0;
    this.hostSums = this.values.map(() => 0);
  }
}

export class AvgStatsCallback extends Callback implements Resumable {
  /** Before everything that reads an epoch's results at after_epoch. */
  override order = -5;
  readonly history: EpochStats[] = [];
  private readonly train: PassSums;
  private readonly valid: PassSums;
  private readonly names: string[];

  /**
   * `metrics` by name, e.g. `{ accuracy }`. `inPlace: false` keeps every batch's values on
   * the device even where they could be read in place (the GPU path, on any backend).
   */
  constructor(metrics: Record<string, MetricFn> = {}, opts: { inPlace?: boolean } = {}) {
    super();
    const list = Object.entries(metrics);
    this.names = list.map(([name]) => name);
    this.train = new PassSums(list, opts.inPlace ?? true);
    this.valid = new PassSums(list, opts.inPlace ?? true);
  }

  /** The last finished epoch's stats, if any. */
  get last(): EpochStats | null {
    return this.history.at(-1) ?? null;
  }

  override async begin_fit(): Promise<void> {
    this.history.length = 0;
  }

  override async begin_epoch(): Promise<void> {
    this.train.dispose();
    this.valid.dispose();
  }

  override async after_loss(): Promise<void> {
    const { loss, pred, yb, xb, inTrain } = this.runner;
    if (loss === null || pred === null || yb === null || xb === null) return;
    (inTrain ? this.train : this.valid).add(loss, pred, yb, xb.shape[0]!);
  }

  override async after_epoch(): Promise<void> {
    const train = await this.train.read();
    const valid = await this.valid.read();
    this.history.push({ epoch: this.runner.epoch + 1, train, valid });
  }

  /**
   * The finished epochs and the training pass so far (a resumed epoch's train averages then
   * count every batch); the validation pass is not kept, a resumed epoch validates again.
   */
  async state(): Promise<{ metrics: string[]; history: unknown[]; train: { count: number; sums: (number | null)[] } }> {
    const train = await this.train.totals();
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

  override async after_fit(): Promise<void> {
    // A cancelled epoch never reaches after_epoch: drop its partial sums.
    this.train.dispose();
    this.valid.dispose();
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
