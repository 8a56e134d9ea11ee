/**
 * viewRows: a chart-resolution view of a big run (getMetricsView) as metric rows the charts
 * already draw — per bucket, a row at its first row's place with the bucket's lowest loss and
 * one at its last row's place with the highest, so a spike drawn from a million rows still
 * shows; epoch rows as stored. Charts, smoothing and tiles then work unchanged on a few
 * thousand rows instead of a million.
 */
import type { MetricsView } from '../../../shared/metrics-view';
import type { EpochRow, IterRow, MetricRow } from '../../../shared/records';

/** Buckets asked for a big run: two rows each, about one per pixel of a wide chart. */
export const VIEW_BUCKETS = 2000;

export function viewRows(view: MetricsView): MetricRow[] {
  const rows: MetricRow[] = [];
  const { iter } = view;
  const loss = iter.series.loss;
  const lr = iter.series.lr;
  for (let b = 0; b < iter.count.length; b++) {
    const at = (which: 'first' | 'last', value: number | null): IterRow => ({
      kind: 'iter',
      iter: iter[which].iter[b]!,
      epoch: iter[which].epoch[b]!,
      t: iter[which].time[b]! * 1000,
      loss: value,
      lr: lr.mean[b] ?? 0,
    });
    if (iter.count[b] === 1 || iter.first.iter[b] === iter.last.iter[b]) {
      rows.push(at('first', loss.mean[b] ?? null));
    } else {
      rows.push(at('first', loss.min[b] ?? null), at('last', loss.max[b] ?? null));
    }
  }
  // The last row as stored, so the latest values (tiles, ETA) are exact.
  const last = view.last.iter;
  if (last && rows.length > 0 && rows[rows.length - 1]!.iter === last.iter) rows[rows.length - 1] = last;
  return [...rows, ...(view.epochRows ?? epochBucketRows(view))].sort(byIter);
}

/** More epoch rows than a view lists: one row per bucket, its means. */
function epochBucketRows(view: MetricsView): EpochRow[] {
  const { epoch } = view;
  const s = epoch.series;
  return epoch.count.map((_, b) => ({
    kind: 'epoch',
    epoch: Math.max(1, Math.round(epoch.last.epoch[b]!)),
    iter: epoch.last.iter[b]!,
    train_loss: s.train_loss.mean[b] ?? null,
    train_accuracy: s.train_accuracy.mean[b] ?? null,
    valid_loss: s.valid_loss.mean[b] ?? null,
    valid_accuracy: s.valid_accuracy.mean[b] ?? null,
    seconds: 0,
    t: epoch.last.time[b]! * 1000,
  }));
}

/** Iteration and epoch rows interleaved as a run writes them (an epoch row after its last iteration). */
function byIter(a: MetricRow, b: MetricRow): number {
  return a.iter - b.iter || (a.kind === b.kind ? 0 : a.kind === 'iter' ? -1 : 1);
}
