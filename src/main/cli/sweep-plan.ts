/**
 * planSweep: the runs `runlab sweep` queues, from the field flags given (each a value, a list
 * or a range, read by src/shared/sweep.ts like the form's sweep marks), --random, --repeat and
 * a preset. Everything is checked here, before a run is made: a bad value names its flag.
 */
import type { Command } from 'commander';
import { DEFAULT_HYPERPARAMS, validateHyperparams, type FieldKey, type Hyperparams } from '../../shared/hyperparams';
import {
  MAX_SWEEP_RUNS,
  parseSweepValues,
  sweepable,
  sweepLabel,
  sweepPoints,
  sweepRunCount,
  type SweepAxis,
  type SweepValue,
} from '../../shared/sweep';
import { CliError } from './cli-error';
import { flagForField, givenFieldFlags, parseFlagValue, presetConfig } from './flags-from-schema';

export interface SweepOptions {
  preset?: string;
  /** Draw this many combinations at random instead of the whole grid. */
  random?: number;
  /** The seed of the random draw (default 1). */
  sweepSeed?: number;
  /** Each combination this many times, with seeds seed, seed+1, … */
  repeat?: number;
}

export interface PlannedRun {
  config: Hyperparams;
  /** The swept fields' values of this run, in the form's field order (that of --help): "lr=0.1 seed=1". */
  swept: Partial<Record<FieldKey, SweepValue>>;
  label: string;
}

export interface SweepPlan {
  runs: PlannedRun[];
  /** The swept fields (a --repeat adds seed last). */
  axes: SweepAxis[];
  mode: 'grid' | 'random';
}

/** The fields given on `command` become fixed values (one value) or axes (several); see the file comment. */
export function planSweep(command: Command, options: SweepOptions): SweepPlan {
  const base: Record<string, unknown> = { ...presetConfig(options.preset) };
  const axes: SweepAxis[] = [];
  const problems: string[] = [];
  // Fields whose text could not be read: named once, not again by the schema.
  const unreadable = new Set<string>();
  for (const { field, raw } of givenFieldFlags(command)) {
    const flag = `--${field.flag}`;
    // Free text (a data path) is never split: "a,b.csv" is one file.
    if (!sweepable(field) || typeof raw !== 'string') {
      base[field.key] = parseFlagValue(field, raw);
      continue;
    }
    let values: SweepValue[];
    try {
      values = parseSweepValues(field.key, raw);
    } catch (error) {
      problems.push(`${flag}: ${(error as Error).message}`);
      unreadable.add(field.key);
      continue;
    }
    if (values.length === 1) base[field.key] = values[0];
    else axes.push({ field: field.key, values });
  }

  if (options.repeat !== undefined && options.repeat > 1 && axes.some((a) => a.field === 'seed')) {
    problems.push('--repeat: --seed is already swept; give either several seeds or --repeat');
  }
  // Each swept value checked on its own first, so the error names the flag and the value.
  for (const axis of axes) {
    for (const value of axis.values) {
      const valid = validateHyperparams({ ...base, [axis.field]: value });
      if (valid.ok) continue;
      for (const e of valid.errors.filter((e) => e.field.split('.')[0] === axis.field)) {
        problems.push(`${flagForField(axis.field)} ${shown(value)}: ${e.message}`);
      }
    }
  }
  // The fixed flags (and the preset) on their own.
  const fixed = validateHyperparams(base);
  if (!fixed.ok) {
    const named = new Set([...unreadable, ...axes.map((a) => a.field as string)]);
    for (const e of fixed.errors.filter((e) => !named.has(e.field.split('.')[0]!))) {
      problems.push(`${flagForField(e.field) ?? e.field}: ${e.message}`);
    }
  }
  if (problems.length > 0) throw new CliError(problems.join('\n'), 2);

  const mode = options.random !== undefined ? 'random' : 'grid';
  const shape = { mode, random: options.random, sweepSeed: options.sweepSeed ?? 1, repeat: options.repeat } as const;
  const repeat = options.repeat ?? 1;
  const total = sweepRunCount(axes, shape);
  if (total > MAX_SWEEP_RUNS) {
    const parts = axes.map((a) => `${a.values.length} ${flagForField(a.field)}`);
    if (repeat > 1) parts.push(`--repeat ${repeat}`);
    throw new CliError(
      `this sweep makes ${total} runs (${parts.join(' × ')}), more than ${MAX_SWEEP_RUNS}: sweep fewer values, or draw some with --random N`,
      2,
    );
  }

  const firstSeed = typeof base.seed === 'number' ? base.seed : DEFAULT_HYPERPARAMS.seed;
  const { points: repeated, axes: allAxes } = sweepPoints(axes, shape, firstSeed);

  const runs: PlannedRun[] = [];
  for (const [i, swept] of repeated.entries()) {
    const valid = validateHyperparams({ ...base, ...swept });
    const label = sweepLabel(swept);
    if (!valid.ok) {
      // Values fine on their own can still clash together (a seed past its maximum with --repeat).
      const errors = valid.errors.map((e) => `${flagForField(e.field) ?? e.field}: ${e.message}`).join('; ');
      throw new CliError(`run ${i + 1} of the sweep (${label}): ${errors}`, 2);
    }
    runs.push({ config: valid.value, swept, label });
  }
  return { runs, axes: allAxes, mode };
}

function shown(value: SweepValue): string {
  return Array.isArray(value) ? value.join(',') : String(value);
}
