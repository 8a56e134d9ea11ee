/**
 * What `runlab train` prints. Human: a progress bar on stderr (TTY only), one fastai-style
 * row per epoch on stdout and a final line. JSON: JSON Lines on stdout and nothing else.
 */
import cliProgress from 'cli-progress';
import type { EpochRow, MetricRow, Progress, RunStatus, RunSummary } from '../../shared/records';
import { formatDuration, formatMetric } from './table';

export interface TrainStart {
  backend: string;
  device: string;
  totalIters: number;
  epochs: number;
}

export interface TrainEnd {
  status: RunStatus;
  summary: RunSummary | null;
  backend: string | null;
  device: string | null;
  runId: string | null;
  error: string | null;
  seconds: number;
}

export interface TrainReporter {
  start(info: TrainStart): void;
  rows(rows: MetricRow[]): void;
  progress(progress: Progress): void;
  /** A note for the person (e.g. "cancelling…"); never on stdout. */
  note(text: string): void;
  end(result: TrainEnd): void;
}

const COLUMNS = ['epoch', 'train_loss', 'train_accuracy', 'valid_loss', 'valid_accuracy', 'time'] as const;
/** Rows print one at a time, so widths are fixed up front: a header, a 0.000000 metric or mm:ss. */
const WIDTHS = COLUMNS.map((h) => Math.max(h.length, h === 'time' ? 5 : h === 'epoch' ? 0 : 8));

export class HumanReporter implements TrainReporter {
  private bar: cliProgress.SingleBar | null = null;
  private barState = { total: 0, value: 0, epoch: '0.00' };
  private headerPrinted = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly err: NodeJS.WriteStream,
    private readonly quiet: boolean,
  ) {}

  start(info: TrainStart): void {
    if (this.quiet) return;
    this.err.write(`training on ${info.device || info.backend}: ${info.epochs} epoch(s), ${info.totalIters} iterations\n`);
    if (!this.err.isTTY) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.err,
        format: '{bar} {percentage}% | iter {value}/{total} | epoch {epoch} | ETA {eta_formatted}',
        hideCursor: true,
        // The bar vanishes when stopped: printed rows stay, the bar never lingers between them.
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.barState = { total: info.totalIters, value: 0, epoch: '0.00' };
    this.bar.start(info.totalIters, 0, { epoch: '0.00' });
  }

  rows(rows: MetricRow[]): void {
    for (const row of rows) {
      if (row.kind === 'epoch') this.printEpoch(row);
    }
    const last = rows.at(-1);
    if (last) this.moveBar(last.iter, last.epoch);
  }

  progress(progress: Progress): void {
    this.moveBar(progress.iter, progress.epoch);
  }

  note(text: string): void {
    this.aboveBar(() => this.err.write(`${text}\n`));
  }

  end(result: TrainEnd): void {
    this.bar?.stop();
    this.bar = null;
    const s = result.summary;
    const where = result.runId ? `run ${result.runId}` : 'not saved (--no-save)';
    if (!s) {
      // Never trained (failed while loading, cancelled while queued): nothing to measure.
      this.out.write(`${result.status} in ${result.seconds.toFixed(1)} s · ${where}\n`);
      return;
    }
    const parts = [
      `${result.status} in ${result.seconds.toFixed(1)} s`,
      `${s.epochs} epoch(s), ${s.iterations} iterations`,
      `valid_accuracy ${formatMetric(s.final?.valid_accuracy ?? null, 4)}`,
      `backend ${result.device ?? result.backend ?? 'unknown'}`,
      `${s.samples_per_second != null ? Math.round(s.samples_per_second).toLocaleString('en-US') : '-'} samples/s`,
      where,
    ];
    if (s.stopped_by) parts.splice(2, 0, `stopped by ${s.stopped_by}`);
    this.out.write(`${parts.join(' · ')}\n`);
    if (s.warning) this.err.write(`warning: ${s.warning}\n`);
  }

  private moveBar(iter: number, epoch: number): void {
    // cli-progress computes an infinite ETA from an update that does not move.
    if (iter === this.barState.value) return;
    this.barState.value = iter;
    this.barState.epoch = epoch.toFixed(2);
    this.bar?.update(iter, { epoch: this.barState.epoch });
  }

  private printEpoch(row: EpochRow): void {
    if (this.quiet) return;
    const cells = [
      String(row.epoch),
      formatMetric(row.train_loss),
      formatMetric(row.train_accuracy),
      formatMetric(row.valid_loss),
      formatMetric(row.valid_accuracy),
      formatDuration(row.seconds),
    ];
    this.aboveBar(() => {
      if (!this.headerPrinted) this.out.write(`${align(COLUMNS)}\n`);
      this.headerPrinted = true;
      this.out.write(`${align(cells)}\n`);
    });
  }

  /**
   * The bar owns the terminal's last line and restores the cursor to where it started when
   * stopped: stop it (clearing its line), print, and start it again on the next line.
   */
  private aboveBar(print: () => void): void {
    if (!this.bar) return print();
    this.bar.stop();
    print();
    this.bar.start(this.barState.total, this.barState.value, { epoch: this.barState.epoch });
  }
}

function align(cells: readonly string[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(WIDTHS[i]!) : cell.padStart(WIDTHS[i]!))).join('  ');
}

export class JsonReporter implements TrainReporter {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly err: NodeJS.WritableStream,
  ) {}

  start(): void {}
  progress(): void {}

  rows(rows: MetricRow[]): void {
    for (const row of rows) {
      if (row.kind !== 'epoch') continue;
      const { epoch, train_loss, train_accuracy, valid_loss, valid_accuracy, seconds } = row;
      this.out.write(`${JSON.stringify({ epoch, train_loss, train_accuracy, valid_loss, valid_accuracy, seconds })}\n`);
    }
  }

  note(text: string): void {
    this.err.write(`${text}\n`);
  }

  end(result: TrainEnd): void {
    const s = result.summary;
    const line = {
      status: result.status,
      epochs: s?.epochs ?? 0,
      iterations: s?.iterations ?? 0,
      train_loss: s?.final?.train_loss ?? null,
      train_accuracy: s?.final?.train_accuracy ?? null,
      valid_loss: s?.final?.valid_loss ?? null,
      valid_accuracy: s?.final?.valid_accuracy ?? null,
      best_valid_accuracy: s?.best_valid_accuracy ?? null,
      best_valid_loss: s?.best_valid_loss ?? null,
      best_epoch: s?.best_epoch ?? null,
      stopped_by: s?.stopped_by ?? null,
      backend: result.backend,
      device: result.device,
      samples_per_second: s?.samples_per_second ?? null,
      seconds: Math.round(result.seconds * 1000) / 1000,
      run_id: result.runId,
      error: result.error,
      warning: s?.warning ?? null,
    };
    this.out.write(`${JSON.stringify(line)}\n`);
  }
}
