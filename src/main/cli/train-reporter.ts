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

export class HumanReporter implements TrainReporter {
  private bar: cliProgress.SingleBar | null = null;
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
        // Epoch rows go to stdout between redraws: redraw even when the value has not moved.
        forceRedraw: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(info.totalIters, 0, { epoch: '0.00' });
  }

  rows(rows: MetricRow[]): void {
    for (const row of rows) {
      if (row.kind === 'epoch') this.printEpoch(row);
    }
    const last = rows.at(-1);
    if (last) this.bar?.update(last.iter, { epoch: last.epoch.toFixed(2) });
  }

  progress(progress: Progress): void {
    this.bar?.update(progress.iter, { epoch: progress.epoch.toFixed(2) });
  }

  note(text: string): void {
    this.clearBarLine();
    this.err.write(`${text}\n`);
  }

  end(result: TrainEnd): void {
    this.bar?.stop();
    this.bar = null;
    const s = result.summary;
    const parts = [
      `${result.status} in ${result.seconds.toFixed(1)} s`,
      `${s?.epochs ?? 0} epoch(s), ${s?.iterations ?? 0} iterations`,
      `valid_accuracy ${formatMetric(s?.final?.valid_accuracy ?? null, 4)}`,
      `backend ${result.device ?? result.backend ?? 'unknown'}`,
      `${s?.samples_per_second != null ? Math.round(s.samples_per_second).toLocaleString('en-US') : '-'} samples/s`,
      result.runId ? `run ${result.runId}` : 'not saved (--no-save)',
    ];
    if (s?.stopped_by) parts.splice(2, 0, `stopped by ${s.stopped_by}`);
    this.out.write(`${parts.join(' · ')}\n`);
  }

  private printEpoch(row: EpochRow): void {
    this.clearBarLine();
    if (this.quiet) return;
    const cells = [
      String(row.epoch),
      formatMetric(row.train_loss),
      formatMetric(row.train_accuracy),
      formatMetric(row.valid_loss),
      formatMetric(row.valid_accuracy),
      formatDuration(row.seconds),
    ];
    if (!this.headerPrinted) {
      this.out.write(`${align(COLUMNS, COLUMNS)}\n`);
      this.headerPrinted = true;
    }
    this.out.write(`${align(cells, COLUMNS)}\n`);
  }

  /** The bar owns the terminal's last line: wipe it before printing, it redraws itself. */
  private clearBarLine(): void {
    if (this.bar) this.err.write('\r\x1b[2K');
  }
}

function align(cells: readonly string[], headers: readonly string[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(headers[i]!.length) : cell.padStart(headers[i]!.length))).join('  ');
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
    };
    this.out.write(`${JSON.stringify(line)}\n`);
  }
}
