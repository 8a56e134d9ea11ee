/**
 * MetricWatermarks: per run, the last iteration row and epoch row a client has seen, so a
 * resync (a refetch after the host skipped pushes, or after a reconnect) delivers only the
 * rows listeners have not had — never a repeat, never out of order.
 */
import type { MetricRow } from '../../../shared/records';

interface Mark {
  iter: number;
  epoch: number;
}

export class MetricWatermarks {
  #marks = new Map<string, Mark>();

  /** Rows a listener or caller has received: advance the marks past them. */
  note(id: string, rows: readonly MetricRow[]): void {
    const mark = this.#mark(id);
    for (const row of rows) {
      if (row.kind === 'iter') mark.iter = Math.max(mark.iter, row.iter);
      else mark.epoch = Math.max(mark.epoch, row.epoch);
    }
  }

  /** The rows past the marks, in the given order, and the marks moved past them. */
  fresh(id: string, rows: readonly MetricRow[]): MetricRow[] {
    const mark = this.#mark(id);
    const out: MetricRow[] = [];
    for (const row of rows) {
      if (row.kind === 'iter' ? row.iter <= mark.iter : row.epoch <= mark.epoch) continue;
      if (row.kind === 'iter') mark.iter = row.iter;
      else mark.epoch = row.epoch;
      out.push(row);
    }
    return out;
  }

  forget(id: string): void {
    this.#marks.delete(id);
  }

  #mark(id: string): Mark {
    let mark = this.#marks.get(id);
    if (!mark) this.#marks.set(id, (mark = { iter: 0, epoch: 0 }));
    return mark;
  }
}
