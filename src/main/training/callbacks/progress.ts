/**
 * ProgressCallback: a terminal progress bar over the run's training iterations (cli-progress,
 * only on a TTY) and one table row per epoch, like fastai's progress table. Writes to
 * stderr by default so stdout stays free for machine-readable output.
 */
import cliProgress from 'cli-progress';
import { Callback } from '../loop/callback';
import { AvgStatsCallback, type EpochStats } from './avg-stats';
import { RecorderCallback } from './recorder';

export interface ProgressOptions {
  stream?: NodeJS.WritableStream & { isTTY?: boolean };
  /** false: print nothing at all (default true). */
  enabled?: boolean;
}

const COLUMNS = ['epoch', 'train_loss', 'train_accuracy', 'valid_loss', 'valid_accuracy', 'time'] as const;
const WIDTH = 16;

const num = (v: number | undefined): string => (v === undefined ? '—' : v.toFixed(6));

function clock(seconds: number): string {
  const s = Math.round(seconds);
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

/** One table row: epoch, train and valid loss and accuracy, epoch time. */
export function formatEpochRow(stats: EpochStats, seconds: number): string {
  const cells = [
    String(stats.epoch),
    num(stats.train?.loss),
    num(stats.train?.metrics.accuracy),
    num(stats.valid?.loss),
    num(stats.valid?.metrics.accuracy),
    clock(seconds),
  ];
  return cells
    .map((c) => c.padEnd(WIDTH))
    .join('')
    .trimEnd();
}

export class ProgressCallback extends Callback {
  override readonly runAfter = [RecorderCallback, AvgStatsCallback];
  private readonly stream: NodeJS.WritableStream & { isTTY?: boolean };
  private readonly enabled: boolean;
  private bars: cliProgress.MultiBar | null = null;
  private bar: cliProgress.SingleBar | null = null;
  private epochStart = 0;

  constructor(opts: ProgressOptions = {}) {
    super();
    this.stream = opts.stream ?? process.stderr;
    this.enabled = opts.enabled ?? true;
  }

  override async begin_fit(): Promise<void> {
    if (!this.enabled) return;
    this.stream.write(
      `${COLUMNS.map((c) => c.padEnd(WIDTH))
        .join('')
        .trimEnd()}\n`,
    );
    if (this.stream.isTTY !== true) return;
    const r = this.runner;
    this.bars = new cliProgress.MultiBar(
      {
        stream: this.stream,
        format: ' {bar} {percentage}% | epoch {epoch}/{epochs} | iter {value}/{total} | loss {loss} | eta {eta_formatted}',
        clearOnComplete: true,
        gracefulExit: false,
        hideCursor: false,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar = this.bars.create(r.epochs * r.learner.data.trainDl.length, 0, { epoch: 1, epochs: r.epochs, loss: '—' });
  }

  override async begin_epoch(): Promise<void> {
    this.epochStart = performance.now();
  }

  override async after_batch(): Promise<void> {
    const r = this.runner;
    if (this.bar === null || !r.inTrain) return;
    const loss = r.get(RecorderCallback)?.losses.at(-1);
    this.bar.update(r.nIter, { epoch: r.epoch + 1, loss: loss === undefined ? '—' : loss.toFixed(4) });
  }

  override async after_epoch(): Promise<void> {
    if (!this.enabled) return;
    const last = this.runner.get(AvgStatsCallback)?.last ?? null;
    if (last === null) return;
    const line = formatEpochRow(last, (performance.now() - this.epochStart) / 1000);
    if (this.bars !== null) this.bars.log(`${line}\n`);
    else this.stream.write(`${line}\n`);
  }

  override async after_fit(): Promise<void> {
    if (this.bars !== null) {
      this.bars.update(); // flushes rows logged since the last redraw
      this.bars.stop();
      this.bars = null;
      this.bar = null;
    }
    const reason = this.runner.stopReason;
    if (this.enabled && reason !== null) this.stream.write(`stopped early: ${reason} (after ${this.runner.nIter} iterations)\n`);
  }
}
