/**
 * Collects what a Runner run reports through its telemetry rows — step end times from
 * iteration rows, epoch end times from epoch rows — and turns them into a LoopResult's
 * numbers. Row `t` is ms since the fit began on the trainer's own clock, so a run measured
 * through a supervisor in another process is timed exactly as one measured in this one.
 */
import type { EpochRow, MetricRow } from '../../src/shared/records';
import type { JobBenchOptions } from './job-options';
import { budgetSpent, epochCpuThroughput, epochThroughput, timedFrom, trainThroughput, type EpochProbe, type StepTime } from './loop-result';

export class RowTimings {
  readonly steps: StepTime[] = [];
  readonly epochs: EpochProbe[] = [];
  readonly epochRows: EpochRow[] = [];

  /** Takes a delivery of rows; `probe` is called at each epoch row (memory facts of that moment). */
  add(rows: readonly MetricRow[], probe: () => Omit<EpochProbe, 't'> = () => ({ numTensors: null, rssMb: null, cpuMs: null })): void {
    for (const row of rows) {
      if (row.kind === 'iter') {
        this.steps.push({ iter: row.iter, t: row.t });
      } else {
        this.epochRows.push(row);
        this.epochs.push({ t: row.t, ...probe() });
      }
    }
  }

  /** Sweep mode: the budget has passed after the warm-up steps. */
  budgetSpent(opts: JobBenchOptions): boolean {
    return budgetSpent(this.steps, opts);
  }

  trainSps(opts: JobBenchOptions, batchesPerEpoch: number, trainSize: number): number | null {
    const layout = { batchesPerEpoch, trainSize, batchSize: opts.batchSize };
    return trainThroughput(this.steps, layout, timedFrom(opts, batchesPerEpoch));
  }

  epochSps(opts: JobBenchOptions, trainSize: number): number | null {
    return opts.budgetMs !== null ? null : epochThroughput(this.epochs.map((e) => e.t), trainSize);
  }

  epochCpuSps(opts: JobBenchOptions, trainSize: number): number | null {
    return opts.budgetMs !== null ? null : epochCpuThroughput(this.epochs.map((e) => e.cpuMs), trainSize);
  }

  finalValidLoss(): number | null {
    return this.epochRows.at(-1)?.valid_loss ?? null;
  }
}
