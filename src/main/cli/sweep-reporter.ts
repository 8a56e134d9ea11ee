/**
 * SweepReporter: what `runlab sweep` shows on stderr while its runs train — a line when each
 * run starts and when it ends, and on a terminal one progress bar over the whole sweep.
 */
import cliProgress from 'cli-progress';
import type { RunRecord } from '../../shared/records';
import { formatMetric } from './table';

export interface SweepMember {
  id: string;
  label: string;
}

export class SweepReporter {
  private bar: cliProgress.SingleBar | null = null;
  /** Per run: the share of its iterations done (1 once it has ended). */
  private readonly done = new Map<string, number>();
  private readonly started = new Set<string>();
  private readonly ended = new Set<string>();
  private value = 0;

  constructor(
    private readonly err: NodeJS.WriteStream,
    private readonly members: readonly SweepMember[],
    private readonly quiet: boolean,
  ) {}

  begin(group: string, concurrency: number): void {
    if (this.quiet) return;
    const n = this.members.length;
    this.err.write(`sweep ${group}: ${n} run${n === 1 ? '' : 's'}, ${concurrency} at a time\n`);
    if (!this.err.isTTY) return;
    this.bar = new cliProgress.SingleBar(
      {
        stream: this.err,
        format: '{bar} {percentage}% | {ended}/{total} runs ended',
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    this.bar.start(n * 100, 0, { ended: 0 });
  }

  /** A run of the sweep changed (it started, moved on, or ended). */
  update(record: RunRecord): void {
    const at = this.members.findIndex((m) => m.id === record.id);
    if (at < 0) return;
    if (record.status === 'running' && !this.started.has(record.id)) {
      this.started.add(record.id);
      this.line(`${this.tag(at)} training on ${record.device || record.backend || 'its backend'} (${record.id})`);
    }
    const p = record.progress;
    if (p && p.total_iters > 0) this.done.set(record.id, Math.min(1, p.iter / p.total_iters));
    this.moveBar();
  }

  /** A run's final record. */
  end(record: RunRecord): void {
    const at = this.members.findIndex((m) => m.id === record.id);
    if (at < 0 || this.ended.has(record.id)) return;
    this.ended.add(record.id);
    this.done.set(record.id, 1);
    const parts = [`${this.tag(at)} ${record.status}`];
    const final = record.summary?.final;
    if (record.summary) parts.push(`valid_accuracy ${formatMetric(final?.valid_accuracy ?? null, 4)}`);
    const seconds = record.started && record.ended ? (Date.parse(record.ended) - Date.parse(record.started)) / 1000 : null;
    if (seconds !== null && Number.isFinite(seconds)) parts.push(`${seconds.toFixed(1)} s`);
    if (record.status === 'failed' && record.error) parts.push(record.error.split('\n')[0]!);
    this.line(parts.join(' · '));
    this.moveBar();
  }

  note(text: string): void {
    this.aboveBar(() => this.err.write(`${text}\n`));
  }

  finish(): void {
    this.bar?.stop();
    this.bar = null;
  }

  /** "[2/4] lr=0.1 seed=2". */
  private tag(at: number): string {
    return `[${at + 1}/${this.members.length}] ${this.members[at]!.label || this.members[at]!.id}`;
  }

  private line(text: string): void {
    if (this.quiet) return;
    this.aboveBar(() => this.err.write(`${text}\n`));
  }

  private moveBar(): void {
    const value = Math.round([...this.done.values()].reduce((a, b) => a + b, 0) * 100);
    // cli-progress computes an infinite ETA from an update that does not move.
    if (value === this.value) return;
    this.value = value;
    this.bar?.update(value, { ended: this.ended.size });
  }

  /** The bar owns the last line: stop it (clearing it), print, start it again below (as train's reporter does). */
  private aboveBar(print: () => void): void {
    if (!this.bar) return print();
    this.bar.stop();
    print();
    this.bar.start(this.members.length * 100, this.value, { ended: this.ended.size });
  }
}
