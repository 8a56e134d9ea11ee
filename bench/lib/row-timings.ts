/**
 * Collects what a Runner run reports through its telemetry rows — step end times from
 * iteration rows, epoch end times from epoch rows — for a LoopResult. Row `t` is ms since
 * the fit began on the trainer's own clock, so a run measured through a supervisor in
 * another process is timed exactly as one measured in this one.
 */
import type { EpochRow, MetricRow } from '../../src/shared/records';
import type { JobBenchOptions } from './job-options';
import { budgetSpent, throughputs, type EpochProbe, type StepLayout, type StepTime, type Throughputs } from './loop-result';

export class RowTimings {
  readonly steps: StepTime[] = [];
  readonly epochs: EpochProbe[] = [];
  readonly epochRows: EpochRow[] = [];

  /** Takes a delivery of rows; `probe` is called at each epoch row (facts of that moment). */
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

  /** Sweep mode: the budget has passed after the warm-up. */
  budgetSpent(opts: JobBenchOptions, batchesPerEpoch: number): boolean {
    return budgetSpent(this.steps, opts, batchesPerEpoch);
  }

  throughputs(opts: JobBenchOptions, layout: StepLayout): Throughputs {
    return throughputs(this.steps, this.epochs, opts, layout);
  }

  finalValidLoss(): number | null {
    return this.epochRows.at(-1)?.valid_loss ?? null;
  }
}
