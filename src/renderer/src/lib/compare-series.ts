/**
 * The Compare chart's series: for each run, the chosen metric against the chosen x axis,
 * smoothed with the debiased EMA; the raw line is kept as a faint twin underneath.
 */
import type { ChartSeries } from './chart-series';
import { seriesColor } from './palette';
import { isPerEpoch, metricPoints, type CompareMetric, type RunSeries, type XAxis } from './series';
import { smoothPoints } from './smoothing';

export interface CompareInput {
  id: string;
  label: string;
  series: RunSeries;
}

export function compareSeries(runs: readonly CompareInput[], metric: CompareMetric, axis: XAxis, smoothing: number): ChartSeries[] {
  const style = isPerEpoch(metric) ? 'line-points' : 'line';
  const out: ChartSeries[] = [];
  runs.forEach((run, i) => {
    const color = seriesColor(i);
    const raw = metricPoints(run.series, metric, axis);
    if (smoothing > 0) {
      out.push({ id: `${run.id}:raw`, label: `${run.label} (raw)`, color, points: raw, faint: true });
      out.push({ id: run.id, label: run.label, color, points: smoothPoints(raw, smoothing), style });
    } else {
      out.push({ id: run.id, label: run.label, color, points: raw, style });
    }
  });
  return out;
}
