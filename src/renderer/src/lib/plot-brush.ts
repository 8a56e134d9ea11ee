/**
 * Brushing the plots: a brush per axis (a value range on a numeric axis, a set of categories
 * on a categorical one), kept in values rather than pixels so it keeps its meaning when runs
 * come and go and the axes refit. A run is inside when every brush holds it (AND); a run
 * without a value on a brushed axis is outside. The scatter's rectangle is a brush on its x
 * and its y field, so both plots show and edit one brush.
 */
import type { PlotRun, PlotValue } from './plot-fields';
import { axisPosition, axisValueAt, formatPlotValue, type PlotAxis } from './plot-scale';

export type AxisBrush = { kind: 'range'; min: number; max: number } | { kind: 'categories'; values: string[] };
/** Brushes by field key. */
export type PlotBrush = Readonly<Record<string, AxisBrush>>;

export function matchesAxisBrush(brush: AxisBrush, value: PlotValue): boolean {
  if (value === null) return false;
  if (brush.kind === 'categories') return brush.values.includes(String(value));
  return typeof value === 'number' && value >= brush.min && value <= brush.max;
}

export function inBrush(values: Readonly<Record<string, PlotValue>>, brush: PlotBrush): boolean {
  for (const key in brush) if (!matchesAxisBrush(brush[key]!, values[key] ?? null)) return false;
  return true;
}

export function hasBrush(brush: PlotBrush): boolean {
  return Object.keys(brush).length > 0;
}

/** The ids of the runs inside the brush; null when nothing is brushed (every run is in). */
export function brushedIds(runs: readonly Pick<PlotRun, 'id' | 'values'>[], brush: PlotBrush): Set<string> | null {
  if (!hasBrush(brush)) return null;
  return new Set(runs.filter((r) => inBrush(r.values, brush)).map((r) => r.id));
}

/**
 * The brush between two values of an axis (category indices on a categorical one); null
 * where it holds no category.
 */
export function brushBetween(axis: PlotAxis, a: number, b: number): AxisBrush | null {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  if (axis.kind === 'category') {
    const values = axis.categories.filter((_, i) => i >= lo - 1e-9 && i <= hi + 1e-9);
    return values.length > 0 ? { kind: 'categories', values } : null;
  }
  return { kind: 'range', min: lo, max: hi };
}

/** The brush between two positions along an axis (0 to 1, clamped). */
export function brushFromPositions(axis: PlotAxis, from: number, to: number): AxisBrush | null {
  const clamp = (p: number) => Math.min(1, Math.max(0, p));
  return brushBetween(axis, axisValueAt(axis, clamp(from)), axisValueAt(axis, clamp(to)));
}

/** Where to draw a brush along its axis (0 to 1); a category brush reaches half a step past its ends. */
export function brushSpan(axis: PlotAxis, brush: AxisBrush): { from: number; to: number } | null {
  const clamp = (p: number) => Math.min(1, Math.max(0, p));
  if (brush.kind === 'categories') {
    if (axis.kind !== 'category') return null;
    const pos = brush.values.map((v) => axisPosition(axis, v)).filter((p): p is number => p !== null);
    if (pos.length === 0) return null;
    const half = axis.categories.length > 1 ? 0.5 / (axis.categories.length - 1) : 0.5;
    return { from: clamp(Math.min(...pos) - half), to: clamp(Math.max(...pos) + half) };
  }
  if (axis.kind !== 'numeric') return null;
  const edge = (v: number) => (axis.scale === 'log' && !(v > 0) ? 0 : axisPosition(axis, v));
  const from = edge(brush.min);
  const to = edge(brush.max);
  if (from === null || to === null) return null;
  return { from: clamp(from), to: clamp(to) };
}

/** "Learning rate 0.01–0.5", "Optimizer: adam, sgd", edges to three significant digits. */
export function describeBrush(label: string, format: Parameters<typeof formatPlotValue>[0], brush: AxisBrush): string {
  if (brush.kind === 'categories') return `${label}: ${brush.values.join(', ')}`;
  // Three significant digits: a dragged edge is no more exact than that.
  const round = (v: number) => Number(v.toPrecision(3));
  return `${label} ${formatPlotValue(format, round(brush.min))}–${formatPlotValue(format, round(brush.max))}`;
}

/** The brush with one axis set (or removed, with null). */
export function withAxisBrush(brush: PlotBrush, key: string, axis: AxisBrush | null): PlotBrush {
  const next: Record<string, AxisBrush> = { ...brush };
  if (axis) next[key] = axis;
  else delete next[key];
  return next;
}
