/**
 * The New-run form's sweep: which fields are swept and the text typed for each (a list or a
 * range, read by src/shared/sweep.ts as `runlab sweep` reads its flags), grid or random, and
 * "repeat × N seeds" — checked on every keystroke into the runs the form queues, or errors
 * keyed by the field or setting they belong to.
 */
import { FIELDS, validateHyperparams, type FieldError, type FieldKey, type FieldSpec } from '../../../shared/hyperparams';
import {
  MAX_SWEEP_RUNS,
  parseSweepValues,
  sweepable,
  sweepLabel,
  sweepPoints,
  sweepRunCount,
  type SweepAxis,
  type SweepMode,
  type SweepValue,
} from '../../../shared/sweep';
import { checkDraft, fieldKeyOf, fieldText, isFieldApplicable, placeholderFor, type DraftCheck, type DraftValues } from './draft-config';

export interface SweepDraft {
  /** The swept fields, each with the text typed for it ("0.1, 0.5", "0.01:1:5 log"). */
  fields: Partial<Record<FieldKey, string>>;
  mode: SweepMode;
  /** Random: how many combinations to draw, and the draw's seed. */
  count: string;
  seed: string;
  /** Each combination this many times, with seeds seed, seed+1, … */
  repeat: string;
  /** The sweep bar shown with no field swept yet (its "Sweep…" button). */
  open: boolean;
}

/** Error keys of the sweep bar's own settings (the fields' errors are keyed by field). */
export const SWEEP_KEYS = { count: 'sweep.count', seed: 'sweep.seed', repeat: 'sweep.repeat', total: 'sweep.total' } as const;

const MAX_DRAW_SEED = 2_147_483_647;

export function emptySweep(): SweepDraft {
  return { fields: {}, mode: 'grid', count: '10', seed: '1', repeat: '1', open: false };
}

/** Whether the sweep bar shows. */
export function sweepShown(sweep: SweepDraft): boolean {
  return sweep.open || Object.keys(sweep.fields).length > 0;
}

export interface SweepRun {
  config: Record<string, unknown>;
  /** What sets this run apart, which names it: { lr: 0.1, seed: 43 }. */
  swept: Partial<Record<FieldKey, SweepValue>>;
}

export interface SweepCheck {
  /** The rest of the form, checked with the swept fields left out. */
  base: DraftCheck;
  /** By field key (a swept field's values) or by a SWEEP_KEYS key. */
  errors: Partial<Record<string, string>>;
  /** The values read from each swept field that applies. */
  values: Partial<Record<FieldKey, SweepValue[]>>;
  /** The fields that vary (two values or more), a repeat's seeds not among them. */
  axes: SweepAxis[];
  /** How many runs it makes; null while a swept field or a setting cannot be read. */
  total: number | null;
  /** A sweep at all: a field with two values or more, or a repeat above 1 (else Start starts one run). */
  active: boolean;
  /** The runs to queue, when neither the form nor the sweep has an error. */
  runs: SweepRun[] | null;
}

function wholeNumber(text: string, min: number, max: number): number | null {
  const t = text.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
}

function shown(value: SweepValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}

/** The runs of the form's sweep, or why it cannot queue (see SweepCheck). */
export function checkSweep(values: DraftValues, sweep: SweepDraft): SweepCheck {
  // A swept field hidden by a choice (momentum under sgd) is not swept, as a hidden field is not sent.
  const swept = FIELDS.filter((f) => sweep.fields[f.key] !== undefined && sweepable(f) && isFieldApplicable(f.key, values));
  const baseValues = { ...values };
  // A swept choice keeps its box's value in the base (it decides which fields apply); a text box's is left out.
  for (const f of swept) if (f.kind !== 'choice') baseValues[f.key] = '';
  const base = checkDraft(baseValues);

  const errors: Partial<Record<string, string>> = {};
  const read: Partial<Record<FieldKey, SweepValue[]>> = {};
  const fixed: Record<string, unknown> = {};
  const axes: SweepAxis[] = [];
  for (const f of swept) {
    let list: SweepValue[];
    try {
      list = parseSweepValues(f.key, sweep.fields[f.key]!);
    } catch (error) {
      errors[f.key] = (error as Error).message;
      continue;
    }
    if (list.length === 0) {
      errors[f.key] = `${f.label}: give the values to sweep, e.g. ${examplesFor(f)}`;
      continue;
    }
    read[f.key] = list;
    // Each value on its own on the rest of the form, so the error names the value.
    for (const value of list) {
      const valid = validateHyperparams({ ...base.config, [f.key]: value });
      const own = valid.ok ? undefined : valid.errors.find((e) => fieldKeyOf(e.field) === f.key);
      if (own) {
        errors[f.key] = `${shown(value)}: ${own.message}`;
        break;
      }
    }
    if (errors[f.key] !== undefined) continue;
    if (list.length === 1) fixed[f.key] = list[0];
    else axes.push({ field: f.key, values: list });
  }

  const mode = sweep.mode;
  const count = mode === 'random' ? wholeNumber(sweep.count, 1, MAX_SWEEP_RUNS) : null;
  if (mode === 'random' && count === null) errors[SWEEP_KEYS.count] = `Runs must be a whole number from 1 to ${MAX_SWEEP_RUNS}`;
  const drawSeed = mode === 'random' ? wholeNumber(sweep.seed, 0, MAX_DRAW_SEED) : 1;
  if (drawSeed === null) errors[SWEEP_KEYS.seed] = `Draw seed must be a whole number from 0 to ${MAX_DRAW_SEED}`;
  const repeat = sweep.repeat.trim() === '' ? 1 : wholeNumber(sweep.repeat, 1, MAX_SWEEP_RUNS);
  if (repeat === null) errors[SWEEP_KEYS.repeat] = `Repeat must be a whole number from 1 to ${MAX_SWEEP_RUNS}`;
  else if (repeat > 1 && axes.some((a) => a.field === 'seed')) {
    errors[SWEEP_KEYS.repeat] = 'Seed is already swept: give either several seeds or a repeat';
  }

  const unreadable = Object.keys(errors).length > 0;
  const shape = { mode, random: count ?? undefined, sweepSeed: drawSeed ?? 1, repeat: repeat ?? 1 };
  const total = unreadable ? null : sweepRunCount(axes, shape);
  const active = axes.length > 0 || (repeat ?? 1) > 1;
  if (total !== null && total > MAX_SWEEP_RUNS) {
    const parts =
      mode === 'random' && count !== null && count < sweepRunCount(axes, { mode: 'grid' })
        ? [`${count} drawn`]
        : axes.map((a) => `${a.values.length} ${a.field}`);
    if ((repeat ?? 1) > 1) parts.push(`${repeat} seeds`);
    errors[SWEEP_KEYS.total] =
      `This sweep makes ${total} runs (${parts.join(' × ')}), more than ${MAX_SWEEP_RUNS}: sweep fewer values, or draw some at random`;
  }

  let runs: SweepRun[] | null = null;
  if (base.value && Object.keys(errors).length === 0) {
    const fixedConfig = { ...base.config, ...fixed };
    const firstSeed = typeof fixedConfig['seed'] === 'number' ? fixedConfig['seed'] : base.value.seed;
    const { points } = sweepPoints(axes, shape, firstSeed);
    runs = [];
    for (const [i, point] of points.entries()) {
      const config = { ...fixedConfig, ...point };
      const valid = validateHyperparams(config);
      if (!valid.ok) {
        // Values fine on their own can still clash together (a seed past its maximum after a repeat).
        errors[SWEEP_KEYS.repeat] = `Run ${i + 1} (${sweepLabel(point)}): ${valid.errors[0]!.message}`;
        runs = null;
        break;
      }
      runs.push({ config, swept: point });
    }
  }
  return { base, errors, values: read, axes, total, active, runs };
}

/** What a swept field's box suggests: "0.1, 0.5 or 0.01:1:5 log". */
export function examplesFor(spec: FieldSpec): string {
  switch (spec.kind) {
    case 'number':
      return spec.log ? '0.01, 0.1 or 0.001:0.1:3 log' : `${spec.min}, ${spec.max} or ${spec.min}:${spec.max}:3`;
    case 'int':
      return `1, 2 or ${Math.max(spec.min, 1)}:${Math.min(spec.max, 10)}:4`;
    case 'int-list':
      return '100,50; 200';
    case 'choice':
      return spec.options.join(', ');
    case 'text':
      return '';
  }
}

/** The text a field's sweep box starts with: what the field holds (one value), or its default. */
export function sweepTextFor(spec: FieldSpec, text: string): string {
  return text.trim() !== '' ? text.trim() : placeholderFor(spec);
}

/** What a field holds once no longer swept: the first swept value ('' where that is the default), or what it held. */
export function textAfterSweep(spec: FieldSpec & { key: FieldKey }, sweepText: string, text: string): string {
  let first: SweepValue | undefined;
  try {
    first = parseSweepValues(spec.key, sweepText)[0];
  } catch {
    return text;
  }
  if (first === undefined) return text;
  if (spec.kind !== 'choice' && JSON.stringify(first) === JSON.stringify(spec.default)) return '';
  return fieldText(first);
}

/**
 * The lab's refusal of a sweep ("runs.2.lr": …) as errors by form field, each saying which run
 * it was: "Run 3 of the sweep (lr=5 seed=1): Learning rate must be at most 1".
 */
export function sweepErrorsByField(list: readonly FieldError[], runs: readonly SweepRun[]): Partial<Record<string, string>> {
  const out: Partial<Record<string, string>> = {};
  for (const e of list) {
    const m = /^runs\.(\d+)\.(.+)$/.exec(e.field);
    const key = fieldKeyOf(m ? m[2]! : e.field);
    let message = e.message;
    if (m) {
      const i = Number(m[1]);
      const label = sweepLabel(runs[i]?.swept ?? {});
      message = `Run ${i + 1} of the sweep${label ? ` (${label})` : ''}: ${e.message}`;
    }
    if (out[key] === undefined) out[key] = message;
  }
  return out;
}

/** "4 runs". */
export function runCount(n: number): string {
  return `${n} run${n === 1 ? '' : 's'}`;
}

/** The values a swept field will take, for the line under its box: "3 values: 0.01, 0.1, 1". */
export function valuesPreview(values: readonly SweepValue[]): string {
  const head = values.slice(0, 6).map(shown).join(', ');
  const more = values.length > 6 ? `, … (${values.length - 6} more)` : '';
  return `${values.length} value${values.length === 1 ? '' : 's'}: ${head}${more}`;
}
