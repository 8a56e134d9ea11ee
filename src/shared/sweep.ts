/**
 * Sweeps: the values a swept field takes ("0.1, 0.5" — a list; "0.01:1:5" — a range with a
 * count) and the runs a set of swept fields makes, every combination (grid) or a seeded
 * random draw of them. Shared by the New-run form and `runlab sweep`, so both make the same
 * runs from the same text.
 */
import { FIELDS, type FieldKey, type FieldSpec } from './hyperparams';
import { createRng } from './seeded-random';

/** The most runs one sweep queues. */
export const MAX_SWEEP_RUNS = 100;

export type SweepValue = number | string | number[];

export interface SweepAxis {
  field: FieldKey;
  values: SweepValue[];
}

export type SweepMode = 'grid' | 'random';

/** The fields a sweep can vary: numbers, whole numbers, choices and lists (not free text). */
export function sweepable(field: FieldSpec): boolean {
  return field.kind !== 'text';
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function number(text: string, what: string): number {
  const t = text.trim();
  if (!DECIMAL.test(t)) throw new Error(`${JSON.stringify(t)} is not a number (${what})`);
  return Number(t);
}

/** A value as a run's config carries it; `int-list` items are "100,50" within a ";"-separated list. */
function one(field: FieldSpec, text: string): SweepValue {
  switch (field.kind) {
    case 'int':
    case 'number':
      return number(text, field.label);
    case 'int-list':
      return text.split(',').map((t) => number(t, field.label));
    default:
      return text.trim();
  }
}

/** Evenly spaced values from `from` to `to` (both included), `count` of them; on a log scale when `log`. */
export function rangeValues(from: number, to: number, count: number, log = false): number[] {
  if (count === 1) return [from];
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const t = i / (count - 1);
    const v = log ? Math.exp(Math.log(from) + t * (Math.log(to) - Math.log(from))) : from + t * (to - from);
    // Rounded to 6 significant digits: 0.30000000000000004 is 0.3 in a run's name and config.
    out.push(Number(v.toPrecision(6)));
  }
  return out;
}

/**
 * The values of one swept field from what a person typed: "0.1, 0.5" (a list; for a list
 * field like hidden, "100,50; 200"), or "from:to:count" (a range, evenly spaced; "log" after
 * the count spaces it on a log scale: "0.01:1:5 log"). Throws an Error naming what is wrong.
 */
export function parseSweepValues(key: FieldKey, text: string): SweepValue[] {
  const field = FIELDS.find((f) => f.key === key);
  if (!field) throw new Error(`unknown field ${JSON.stringify(key)}`);
  if (!sweepable(field)) throw new Error(`${field.label} cannot be swept`);
  const trimmed = text.trim();
  if (trimmed === '') throw new Error(`${field.label}: give the values to sweep, e.g. 0.1, 0.5 or 0.01:1:5`);
  const range = /^([^:]+):([^:]+):\s*(\d+)\s*(log)?$/i.exec(trimmed);
  if (range && (field.kind === 'number' || field.kind === 'int')) {
    const from = number(range[1]!, `${field.label}, range start`);
    const to = number(range[2]!, `${field.label}, range end`);
    const count = Number(range[3]);
    const log = range[4] !== undefined;
    if (count < 1 || count > MAX_SWEEP_RUNS) throw new Error(`${field.label}: a range needs a count from 1 to ${MAX_SWEEP_RUNS}`);
    if (log && (from <= 0 || to <= 0)) throw new Error(`${field.label}: a log range needs values above 0`);
    const values = rangeValues(from, to, count, log);
    return field.kind === 'int' ? [...new Set(values.map((v) => Math.round(v)))] : values;
  }
  const parts = trimmed
    .split(field.kind === 'int-list' ? ';' : ',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
  const values = parts.map((p) => one(field, p));
  // The same value twice would make the same run twice.
  const seen = new Set<string>();
  return values.filter((v) => {
    const k = JSON.stringify(v);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** How many runs the grid of these axes makes (the random draw makes at most this many). */
export function gridSize(axes: readonly SweepAxis[]): number {
  return axes.reduce((n, a) => n * a.values.length, 1);
}

/**
 * The swept values of each run: every combination in order (the last axis changes fastest),
 * or `count` distinct combinations drawn at random (seeded) in that same order.
 */
export function expandSweep(
  axes: readonly SweepAxis[],
  mode: SweepMode = 'grid',
  count?: number,
  seed = 1,
): Partial<Record<FieldKey, SweepValue>>[] {
  const total = gridSize(axes);
  const at = (index: number) => {
    const picks: number[] = [];
    let rest = index;
    for (let a = axes.length - 1; a >= 0; a--) {
      const n = axes[a]!.values.length;
      picks[a] = rest % n;
      rest = Math.floor(rest / n);
    }
    // Keys in the axes' order, so a run's label reads in the order the fields were given.
    const point: Partial<Record<FieldKey, SweepValue>> = {};
    axes.forEach((axis, a) => (point[axis.field] = axis.values[picks[a]!]!));
    return point;
  };
  if (mode === 'grid' || count === undefined || count >= total) return Array.from({ length: total }, (_, i) => at(i));
  // A partial Fisher–Yates over the indices: `count` distinct combinations.
  const rand = createRng(seed);
  const indices = Array.from({ length: total }, (_, i) => i);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(rand() * (total - i));
    [indices[i], indices[j]] = [indices[j]!, indices[i]!];
  }
  return indices
    .slice(0, count)
    .sort((a, b) => a - b)
    .map(at);
}

/** "lr=0.1 seed=1": what sets one run of a sweep apart, for its name. */
export function sweepLabel(point: Partial<Record<FieldKey, SweepValue>>): string {
  return Object.entries(point)
    .map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('-') : String(v)}`)
    .join(' ');
}

/** How a set of axes becomes runs: the whole grid or a random draw, each repeated with new seeds. */
export interface SweepShape {
  mode: SweepMode;
  /** Random: how many distinct combinations to draw (at most the grid's size). */
  random?: number;
  /** Random: the draw's seed (default 1): the same seed draws the same runs. */
  sweepSeed?: number;
  /** Each combination this many times, with seeds seed, seed+1, … (default 1). */
  repeat?: number;
}

/** How many runs the axes make in this shape. */
export function sweepRunCount(axes: readonly SweepAxis[], shape: SweepShape): number {
  const grid = gridSize(axes);
  const combinations = shape.mode === 'random' && shape.random !== undefined ? Math.min(shape.random, grid) : grid;
  return combinations * Math.max(1, shape.repeat ?? 1);
}

/**
 * Each run's swept values, in order; a repeat adds `seed` last (firstSeed, firstSeed+1, …),
 * and to the axes returned, so labels read "lr=0.1 seed=42".
 */
export function sweepPoints(
  axes: readonly SweepAxis[],
  shape: SweepShape,
  firstSeed: number,
): { points: Partial<Record<FieldKey, SweepValue>>[]; axes: SweepAxis[] } {
  const points = expandSweep(axes, shape.mode, shape.random, shape.sweepSeed ?? 1);
  const repeat = Math.max(1, shape.repeat ?? 1);
  if (repeat === 1) return { points, axes: [...axes] };
  const seeds = Array.from({ length: repeat }, (_, i) => firstSeed + i);
  return {
    points: points.flatMap((point) => seeds.map((seed) => ({ ...point, seed }))),
    axes: [...axes, { field: 'seed', values: seeds }],
  };
}

/** A sweep run's name: "<base> lr=0.1 seed=1", the base "sweep" unless one is given; at most 190 characters (room for " #2"). */
export function sweepRunName(base: string | undefined, point: Partial<Record<FieldKey, SweepValue>>): string {
  const head = base?.trim() || 'sweep';
  const label = sweepLabel(point);
  return (label ? `${head} ${label}` : head).slice(0, 190);
}
