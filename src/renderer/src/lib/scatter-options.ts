/**
 * The scatter of a hyperparameter (x) against a result metric (y): its points (a run
 * without either value is left out and counted), their colours (the runs', faded outside
 * the brush) and the Chart.js options — a log x where the values span two decades, a
 * categorical x at whole-number positions labelled with the categories, and a tooltip
 * that names the run.
 */
import type { ChartOptions, TooltipItem } from 'chart.js';
import { withAlpha } from './palette';
import type { PlotRun } from './plot-fields';
import { axisPosition, formatPlotValue, niceTicks, type PlotAxis } from './plot-scale';

export interface ScatterPoint {
  x: number;
  y: number;
  id: string;
  label: string;
}

export interface ScatterData {
  points: ScatterPoint[];
  /** Each point's run colour, in the points' order. */
  colors: string[];
  /** Runs left out for want of an x or a y value. */
  missing: number;
}

/** Where a run's value sits on the scatter's x: the value, or its category's index. */
function xOf(axis: PlotAxis, v: PlotRun['values'][string]): number | null {
  if (axis.kind === 'category') return v === null ? null : axis.categories.includes(String(v)) ? axis.categories.indexOf(String(v)) : null;
  return axisPosition(axis, v) === null ? null : (v as number);
}

export function scatterData(runs: readonly PlotRun[], xAxis: PlotAxis, yAxis: PlotAxis): ScatterData {
  const points: ScatterPoint[] = [];
  const colors: string[] = [];
  let missing = 0;
  for (const run of runs) {
    const x = xOf(xAxis, run.values[xAxis.key] ?? null);
    const yv = run.values[yAxis.key] ?? null;
    const y = typeof yv === 'number' && axisPosition(yAxis, yv) !== null ? yv : null;
    if (x === null || y === null) {
      missing += 1;
      continue;
    }
    points.push({ x, y, id: run.id, label: run.label });
    colors.push(run.color);
  }
  return { points, colors, missing };
}

/** Point colours: the run's, or faint where a brush leaves the run out. */
export function pointColors(data: ScatterData, inside: ReadonlySet<string> | null, fadedAlpha = 0.16): string[] {
  return data.points.map((p, i) => (inside === null || inside.has(p.id) ? data.colors[i]! : withAlpha(data.colors[i]!, fadedAlpha)));
}

/** The axis range with a margin, so the outermost points are not cut in half. */
export function scatterRange(axis: PlotAxis): { type: 'linear' | 'logarithmic'; min: number; max: number } {
  if (axis.kind === 'category') return { type: 'linear', min: -0.5, max: Math.max(0, axis.categories.length - 1) + 0.5 };
  if (axis.scale === 'log') {
    const pad = 10 ** ((Math.log10(axis.max) - Math.log10(axis.min)) * 0.06);
    return { type: 'logarithmic', min: axis.min / pad, max: axis.max * pad };
  }
  const pad = (axis.max - axis.min) * 0.06;
  // An accuracy axis stops at 0% and 100%: no room for values that cannot be.
  const [lo, hi] = axis.format === 'percent' ? [0, 1] : [-Infinity, Infinity];
  return { type: 'linear', min: Math.max(lo, axis.min - pad), max: Math.min(hi, axis.max + pad) };
}

/**
 * The values to put ticks at: the same round ones the parallel coordinates label
 * (plot-scale's niceTicks, powers of ten on a log axis), each category's index. Chart.js's
 * own ticks with a set min and max include both ends (1.38 and 31.6 around 3 and 30 epochs).
 */
export function scatterTickValues(axis: PlotAxis): number[] {
  if (axis.kind === 'category') return axis.categories.map((_, i) => i);
  if (axis.scale === 'log') {
    const out: number[] = [];
    for (let e = Math.ceil(Math.log10(axis.min) - 1e-9); e <= Math.floor(Math.log10(axis.max) + 1e-9); e++)
      out.push(Number((10 ** e).toPrecision(12)));
    return out;
  }
  return niceTicks(axis.min, axis.max);
}

/** An `afterBuildTicks` that puts the axis' ticks at scatterTickValues. */
function roundTicks(axis: PlotAxis): (scale: { ticks: { value: number }[] }) => void {
  const values = scatterTickValues(axis);
  return (scale) => {
    scale.ticks = values.map((value) => ({ value }));
  };
}

/** A tick label: the category at a whole index, a power of ten on a log axis, else the value. */
export function scatterTick(axis: PlotAxis, value: number): string {
  if (axis.kind === 'category') return Number.isInteger(value) ? (axis.categories[value] ?? '') : '';
  if (axis.scale === 'log')
    return value > 0 && Math.abs(Math.log10(value) - Math.round(Math.log10(value))) < 1e-9 ? formatPlotValue(axis.format, value) : '';
  return formatPlotValue(axis.format, value);
}

/** "lr 0.01 (adam): Learning rate 0.01, Best val acc 87.0%". */
export function scatterTooltip(xAxis: PlotAxis, yAxis: PlotAxis, point: ScatterPoint): string {
  const x = xAxis.kind === 'category' ? (xAxis.categories[point.x] ?? '') : formatPlotValue(xAxis.format, point.x);
  return `${point.label}: ${xAxis.label} ${x}, ${yAxis.label} ${formatPlotValue(yAxis.format, point.y)}`;
}

export function scatterOptions(xAxis: PlotAxis, yAxis: PlotAxis, colors: { text: string; grid: string }): ChartOptions<'scatter'> {
  const title = (text: string) => ({ display: true, text, color: colors.text, font: { size: 11 } });
  const x = scatterRange(xAxis);
  const y = scatterRange(yAxis);
  return {
    animation: false,
    parsing: false,
    normalized: true,
    responsive: true,
    maintainAspectRatio: false,
    layout: { padding: { right: 8, top: 4 } },
    interaction: { mode: 'nearest', intersect: true },
    scales: {
      x: {
        ...x,
        afterBuildTicks: roundTicks(xAxis),
        title: title(xAxis.kind === 'numeric' && xAxis.scale === 'log' ? `${xAxis.label} (log)` : xAxis.label),
        grid: { color: colors.grid },
        ticks: {
          color: colors.text,
          maxRotation: 0,
          autoSkip: xAxis.kind === 'numeric' && xAxis.scale === 'linear',
          callback: (v) => scatterTick(xAxis, Number(v)),
        },
      },
      y: {
        ...y,
        afterBuildTicks: roundTicks(yAxis),
        title: title(yAxis.kind === 'numeric' && yAxis.scale === 'log' ? `${yAxis.label} (log)` : yAxis.label),
        grid: { color: colors.grid },
        ticks: { color: colors.text, callback: (v) => scatterTick(yAxis, Number(v)) },
      },
    },
    plugins: {
      legend: { display: false },
      tooltip: {
        callbacks: {
          title: () => '',
          label: (item: TooltipItem<'scatter'>) => scatterTooltip(xAxis, yAxis, item.raw as ScatterPoint),
        },
      },
    },
  };
}
