/**
 * What `runlab train` prints. Human: a progress bar on stderr (TTY only), one fastai-style
 * row per epoch on stdout and a final line. JSON: JSON Lines on stdout and nothing else.
 */
import cliProgress from 'cli-progress';
import type { DataInfo, EpochRow, MetricRow, Progress, RunStatus, RunSummary } from '../../shared/records';
import { formatDuration, formatMetric } from './table';

export interface TrainStart {
  backend: string;
  device: string;
  totalIters: number;
  epochs: number;
  /** What was loaded (classes, input shape, skipped files), when the trainer said. */
  data?: DataInfo;
}

export interface TrainEnd {
  status: RunStatus;
  summary: RunSummary | null;
  backend: string | null;
  device: string | null;
  runId: string | null;
  error: string | null;
  seconds: number;
  /** The run's data, once loaded: its class names and skipped files reach the final line. */
  data?: DataInfo | null;
}

export interface TrainReporter {
  /** Decoding an image folder before training: files done of all. */
  loading(done: number, total: number): void;
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
  private loadingBar: cliProgress.SingleBar | null = null;
  private barState = { total: 0, value: 0, epoch: '0.00' };
  private headerPrinted = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly err: NodeJS.WriteStream,
    private readonly quiet: boolean,
  ) {}

  loading(done: number, total: number): void {
    if (this.quiet) return;
    if (!this.err.isTTY) {
      // No bar to redraw: one line when decoding starts, one when it ends.
      if (done === 0) this.err.write(`decoding ${total} images…\n`);
      else if (done === total) this.err.write(`decoded ${total} images\n`);
      return;
    }
    if (!this.loadingBar) {
      this.loadingBar = new cliProgress.SingleBar(
        {
          stream: this.err,
          format: 'decoding images {bar} {value}/{total} | ETA {eta_formatted}',
          hideCursor: true,
          clearOnComplete: true,
        },
        cliProgress.Presets.shades_classic,
      );
      this.loadingBar.start(total, done);
    } else {
      this.loadingBar.update(done);
    }
    if (done === total) this.stopLoadingBar();
  }

  start(info: TrainStart): void {
    this.stopLoadingBar();
    if (this.quiet) return;
    if (info.data) this.err.write(`${describeData(info.data)}\n`);
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
    this.stopLoadingBar();
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

  private stopLoadingBar(): void {
    this.loadingBar?.stop();
    this.loadingBar = null;
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

/** Class names the data line lists before "…": MNIST's ten digits fit whole. */
const LISTED_CLASSES = 12;

/** "data: 3 classes (cat, dog, fish) · 32×32 RGB · 240 train / 60 valid · skipped 1 file that could not be decoded: a.png (…)". */
export function describeData(data: DataInfo): string {
  const names = data.classes.length > LISTED_CLASSES ? `${data.classes.slice(0, LISTED_CLASSES).join(', ')}, …` : data.classes.join(', ');
  const parts = [
    `data: ${data.classes.length} classes (${names})`,
    data.image
      ? `${data.image.width}×${data.image.height} ${data.image.channels === 1 ? 'grey' : 'RGB'}`
      : `${data.input_shape.join('×')} features`,
    `${data.train_size.toLocaleString('en-US')} train / ${data.valid_size.toLocaleString('en-US')} valid`,
  ];
  if (data.skipped_count > 0) {
    const first = data.skipped[0];
    const files = data.skipped_count === 1 ? '1 file' : `${data.skipped_count} files`;
    parts.push(`skipped ${files} that could not be decoded${first ? `, e.g. ${first.file} (${first.reason})` : ''}`);
  }
  return parts.join(' · ');
}

function align(cells: readonly string[]): string {
  return cells.map((cell, i) => (i === 0 ? cell.padEnd(WIDTHS[i]!) : cell.padStart(WIDTHS[i]!))).join('  ');
}

export class JsonReporter implements TrainReporter {
  constructor(
    private readonly out: NodeJS.WritableStream,
    private readonly err: NodeJS.WritableStream,
  ) {}

  loading(): void {}
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
      classes: result.data?.classes ?? null,
      skipped_files: result.data?.skipped_count ?? 0,
    };
    this.out.write(`${JSON.stringify(line)}\n`);
  }
}
