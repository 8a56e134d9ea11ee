/**
 * planSweep: the runs `runlab sweep` makes from its flags — the same text read the same way
 * as the form's sweep marks, --repeat adding seeds, --random drawing combinations — and the
 * refusals, each naming its flag, before any run exists.
 */
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS } from '../../../src/shared/hyperparams';
import { CliError } from '../../../src/main/cli/cli-error';
import { addFieldOptions } from '../../../src/main/cli/flags-from-schema';
import { planSweep, type SweepOptions } from '../../../src/main/cli/sweep-plan';

function plan(args: string[], options: SweepOptions = {}) {
  const command = addFieldOptions(new Command('sweep').exitOverride());
  command.parse(args, { from: 'user' });
  return planSweep(command, options);
}

function refusal(args: string[], options: SweepOptions = {}): string {
  try {
    plan(args, options);
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    expect((error as CliError).exitCode).toBe(2);
    return (error as CliError).message;
  }
  throw new Error('expected a refusal');
}

describe('planSweep', () => {
  it('makes every combination, the last flag fastest, with one-value flags fixed', () => {
    const { runs, mode } = plan(['--lr', '0.1,0.5', '--seed', '1,2', '--epochs', '2', '--hidden', '20,10']);
    expect(mode).toBe('grid');
    expect(runs.map((r) => r.label)).toEqual(['lr=0.1 seed=1', 'lr=0.1 seed=2', 'lr=0.5 seed=1', 'lr=0.5 seed=2']);
    expect(runs.map((r) => r.swept)).toEqual([
      { lr: 0.1, seed: 1 },
      { lr: 0.1, seed: 2 },
      { lr: 0.5, seed: 1 },
      { lr: 0.5, seed: 2 },
    ]);
    for (const run of runs) expect(run.config).toMatchObject({ ...run.swept, epochs: 2, hidden: [20, 10], optimizer: 'sgd' });
  });

  it("reads ranges and lists of lists as the form does, in the form's field order", () => {
    // Hidden sizes come before the learning rate in the form (and in --help), whatever the command line's order.
    const { runs } = plan(['--lr', '0.01:1:3 log', '--hidden', '100,50;200']);
    expect(runs.map((r) => r.swept)).toEqual([
      { hidden: [100, 50], lr: 0.01 },
      { hidden: [100, 50], lr: 0.1 },
      { hidden: [100, 50], lr: 1 },
      { hidden: [200], lr: 0.01 },
      { hidden: [200], lr: 0.1 },
      { hidden: [200], lr: 1 },
    ]);
    expect(runs[0]!.label).toBe('hidden=100-50 lr=0.01');
  });

  it('--repeat trains each combination with seeds seed, seed+1, …', () => {
    const { runs, axes } = plan(['--optimizer', 'sgd,adam', '--seed', '7'], { repeat: 3 });
    expect(runs.map((r) => r.label)).toEqual([
      'optimizer=sgd seed=7',
      'optimizer=sgd seed=8',
      'optimizer=sgd seed=9',
      'optimizer=adam seed=7',
      'optimizer=adam seed=8',
      'optimizer=adam seed=9',
    ]);
    expect(axes.at(-1)).toEqual({ field: 'seed', values: [7, 8, 9] });
    // Without --seed the repeats start at the default seed.
    expect(plan(['--lr', '0.1'], { repeat: 2 }).runs.map((r) => r.config.seed)).toEqual([
      DEFAULT_HYPERPARAMS.seed,
      DEFAULT_HYPERPARAMS.seed + 1,
    ]);
  });

  it('--random draws distinct combinations, the same for the same --sweep-seed, starting from a preset', () => {
    const args = ['--lr', '0.001:0.1:5 log', '--batch-size', '32,64,128'];
    const a = plan(args, { random: 4, sweepSeed: 3, preset: 'cnn' });
    expect(a.mode).toBe('random');
    expect(a.runs).toHaveLength(4);
    expect(new Set(a.runs.map((r) => r.label)).size).toBe(4);
    expect(plan(args, { random: 4, sweepSeed: 3, preset: 'cnn' }).runs.map((r) => r.label)).toEqual(a.runs.map((r) => r.label));
    for (const run of a.runs) expect(run.config).toMatchObject({ model: 'cnn', optimizer: 'adam' });
    // More than the grid holds: the whole grid, once each.
    expect(plan(args, { random: 50 }).runs).toHaveLength(15);
  });

  it('keeps a data path whole, commas and all', () => {
    const { runs } = plan(['--dataset', 'csv', '--data-path', '/tmp/a,b.csv', '--lr', '0.1,0.2']);
    expect(runs.map((r) => r.config.dataPath)).toEqual(['/tmp/a,b.csv', '/tmp/a,b.csv']);
  });

  it('names every bad value by its flag', () => {
    expect(refusal(['--lr', '0.1,x', '--optimizer', 'sgd,rmsprop', '--seed', '1,-1', '--batch-size', '0']).split('\n')).toEqual([
      '--lr: "x" is not a number (Learning rate)',
      '--optimizer rmsprop: Optimizer must be one of: sgd, momentum, adam',
      '--seed -1: Seed must be at least 0',
      '--batch-size: Batch size must be at least 1',
    ]);
    expect(refusal(['--lr', '0:1:3 log'])).toBe('--lr: Learning rate: a log range needs values above 0');
  });

  it('refuses --repeat with several seeds, and more than 100 runs', () => {
    expect(refusal(['--seed', '1,2'], { repeat: 2 })).toBe('--repeat: --seed is already swept; give either several seeds or --repeat');
    expect(refusal(['--lr', '0.01:1:11', '--seed', '1:10:10'])).toBe(
      'this sweep makes 110 runs (11 --lr × 10 --seed), more than 100: sweep fewer values, or draw some with --random N',
    );
    expect(refusal(['--lr', '0.1,0.2,0.3'], { repeat: 40 })).toMatch(/^this sweep makes 120 runs \(3 --lr × --repeat 40\)/);
  });

  it('refuses a combination that only goes wrong with --repeat', () => {
    expect(refusal(['--seed', '2147483647'], { repeat: 2 })).toBe(
      'run 2 of the sweep (seed=2147483648): --seed: Seed must be at most 2147483647',
    );
  });
});
