/**
 * The axes of the plots: a numeric axis from the runs' values (log-scaled where they are all
 * positive and span two decades or more, as learning rates do) or a categorical one (the
 * optimizer, the model), positions along it from 0 (bottom / left) to 1, the value at a
 * position (for brushing) and the ticks to label.
 */
import { formatLr, formatNumber, formatPercent } from './format';
import type { PlotField, PlotFormat, PlotValue } from './plot-fields';

interface AxisBase {
  key: string;
  label: string;
  format: PlotFormat;
  /** Runs without a value on this axis (drawn on its "none" mark). */
  missing: number;
}
export interface NumericAxis extends AxisBase {
  kind: 'numeric';
  scale: 'linear' | 'log';
  min: number;
  max: number;
}
export interface CategoryAxis extends AxisBase {
  kind: 'category';
  categories: string[];
}
export type PlotAxis = NumericAxis | CategoryAxis;

export interface AxisTick {
  pos: number;
  label: string;
}

/** Log where every value is above 0 and the largest is at least 100× the smallest. */
export function chooseScale(values: readonly number[]): 'linear' | 'log' {
  if (values.length < 2 || values.some((v) => !(v > 0))) return 'linear';
  return Math.max(...values) / Math.min(...values) >= 100 ? 'log' : 'linear';
}

const collator = new Intl.Collator('en', { numeric: true });

export function axisFor(field: PlotField, values: readonly PlotValue[]): PlotAxis {
  const base = { key: field.key, label: field.label, format: field.format, missing: values.filter((v) => v === null).length };
  if (field.categorical) {
    const present = [...new Set(values.filter((v) => v !== null).map(String))];
    const order = field.options ?? [];
    const rank = (c: string) => (order.includes(c) ? order.indexOf(c) : order.length);
    present.sort((a, b) => rank(a) - rank(b) || collator.compare(a, b));
    return { ...base, kind: 'category', categories: present };
  }
  const nums = values.filter((v): v is number => typeof v === 'number');
  if (nums.length === 0) return { ...base, kind: 'numeric', scale: 'linear', min: 0, max: 1 };
  const scale = chooseScale(nums);
  let min = Math.min(...nums);
  let max = Math.max(...nums);
  if (min === max) {
    // One value: put it in the middle of a small span around it.
    const pad = min === 0 ? 0.5 : Math.abs(min) * 0.05;
    min -= pad;
    max += pad;
  }
  return { ...base, kind: 'numeric', scale, min, max };
}

/** Where a value sits along the axis, 0 to 1; null where it has none (the "none" mark). */
export function axisPosition(axis: PlotAxis, value: PlotValue): number | null {
  if (value === null) return null;
  if (axis.kind === 'category') {
    const i = axis.categories.indexOf(String(value));
    if (i < 0) return null;
    return axis.categories.length === 1 ? 0.5 : i / (axis.categories.length - 1);
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) return null;
  if (axis.scale === 'log') {
    if (!(value > 0)) return null;
    return (Math.log10(value) - Math.log10(axis.min)) / (Math.log10(axis.max) - Math.log10(axis.min));
  }
  return (value - axis.min) / (axis.max - axis.min);
}

/** The value at a position along a numeric axis; along a categorical one, the (fractional) category index. */
export function axisValueAt(axis: PlotAxis, pos: number): number {
  if (axis.kind === 'category') return axis.categories.length === 1 ? 0 : pos * (axis.categories.length - 1);
  if (axis.scale === 'log') return 10 ** (Math.log10(axis.min) + pos * (Math.log10(axis.max) - Math.log10(axis.min)));
  return axis.min + pos * (axis.max - axis.min);
}

export function formatPlotValue(format: PlotFormat, v: PlotValue): string {
  if (v === null) return 'none';
  if (typeof v === 'string') return v;
  if (format === 'lr') return formatLr(v);
  if (format === 'percent') return formatPercent(v, 1);
  return formatNumber(v, 3);
}

/** Round steps of 1, 2, 2.5 or 5 × 10ⁿ, about `count` of them across [min, max]. */
export function niceTicks(min: number, max: number, count = 5): number[] {
  const raw = (max - min) / Math.max(1, count - 1);
  if (!(raw > 0) || !Number.isFinite(raw)) return [min];
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(min / step - 1e-9) * step; v <= max + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

/** The labelled ticks: every category; powers of ten on a log axis; round values on a linear one. */
export function axisTicks(axis: PlotAxis): AxisTick[] {
  if (axis.kind === 'category') return axis.categories.map((c) => ({ pos: axisPosition(axis, c)!, label: c }));
  if (axis.scale === 'log') {
    const ticks: AxisTick[] = [];
    for (let e = Math.ceil(Math.log10(axis.min) - 1e-9); e <= Math.floor(Math.log10(axis.max) + 1e-9); e++) {
      const v = Number((10 ** e).toPrecision(12));
      ticks.push({ pos: axisPosition(axis, v)!, label: formatPlotValue(axis.format, v) });
    }
    return ticks;
  }
  return niceTicks(axis.min, axis.max).map((v) => ({ pos: axisPosition(axis, v)!, label: formatPlotValue(axis.format, v) }));
}
