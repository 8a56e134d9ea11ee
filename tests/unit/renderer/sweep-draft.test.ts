/**
 * The New-run form's sweep: the fields marked swept, grid or random and the repeat become the
 * runs the form queues (the same ones `runlab sweep` makes from the same text), counted live;
 * what cannot be queued is refused with a message keyed by the field or setting it is about.
 */
import { describe, expect, it } from 'vitest';
import { FIELDS, type FieldKey } from '../../../src/shared/hyperparams';
import { emptyDraft, type DraftValues } from '../../../src/renderer/src/lib/draft-config';
import {
  checkSweep,
  emptySweep,
  runCount,
  sweepErrorsByField,
  sweepShown,
  sweepTextFor,
  textAfterSweep,
  valuesPreview,
  type SweepDraft,
} from '../../../src/renderer/src/lib/sweep-draft';

function form(values: Partial<DraftValues> = {}, sweep: Partial<SweepDraft> = {}) {
  return checkSweep({ ...emptyDraft(), ...values }, { ...emptySweep(), ...sweep });
}

const spec = (key: FieldKey) => FIELDS.find((f) => f.key === key)!;

describe('checkSweep', () => {
  it('makes 2 lrs × repeat 2 seeds into 4 runs, the seeds counting from the form’s seed', () => {
    const c = form({ stopAfter: '20', seed: '7' }, { fields: { lr: '0.1, 0.5' }, repeat: '2' });
    expect(c.errors).toEqual({});
    expect(c.active).toBe(true);
    expect(c.total).toBe(4);
    expect(c.runs!.map((r) => r.swept)).toEqual([
      { lr: 0.1, seed: 7 },
      { lr: 0.1, seed: 8 },
      { lr: 0.5, seed: 7 },
      { lr: 0.5, seed: 8 },
    ]);
    // The rest of the form as typed, the swept values over it.
    for (const r of c.runs!) expect(r.config).toMatchObject({ stopAfter: 20, optimizer: 'sgd', ...r.swept });
    // Boxes left empty stay out: the lab fills in the defaults, as for one run.
    expect(Object.keys(c.runs![0]!.config)).not.toContain('epochs');
  });

  it('reads ranges and choices, the grid in the form’s field order whatever order they were marked in', () => {
    const c = form({}, { fields: { lr: '0.01:1:3 log', optimizer: 'sgd, adam' } });
    expect(c.total).toBe(6);
    expect(c.values).toEqual({ optimizer: ['sgd', 'adam'], lr: [0.01, 0.1, 1] });
    expect(c.runs!.map((r) => r.swept)).toEqual([
      { optimizer: 'sgd', lr: 0.01 },
      { optimizer: 'sgd', lr: 0.1 },
      { optimizer: 'sgd', lr: 1 },
      { optimizer: 'adam', lr: 0.01 },
      { optimizer: 'adam', lr: 0.1 },
      { optimizer: 'adam', lr: 1 },
    ]);
  });

  it('draws a seeded random subset, the same seed the same runs', () => {
    const sweep = { fields: { lr: '0.001:1:10 log', batchSize: '32, 64' }, mode: 'random' as const, count: '5', seed: '3' };
    const a = form({}, sweep);
    expect(a.total).toBe(5);
    expect(a.runs).toHaveLength(5);
    expect(form({}, sweep).runs).toEqual(a.runs);
    expect(form({}, { ...sweep, seed: '4' }).runs).not.toEqual(a.runs);
    // More than the grid holds: the whole grid.
    expect(form({}, { ...sweep, count: '50' }).total).toBe(20);
  });

  it('is no sweep with one value and no repeat: one run, with that value', () => {
    const c = form({}, { fields: { lr: '0.3' } });
    expect(c.active).toBe(false);
    expect(c.total).toBe(1);
    expect(c.runs!.map((r) => r.config['lr'])).toEqual([0.3]);
    // Repeat alone is a seed group of one config.
    const seeds = form({}, { open: true, repeat: '3' });
    expect(seeds.active).toBe(true);
    expect(seeds.runs!.map((r) => r.swept)).toEqual([{ seed: 42 }, { seed: 43 }, { seed: 44 }]);
  });

  it('refuses text it cannot read, and a value out of range, on the field, naming it', () => {
    expect(form({}, { fields: { lr: '0.1, x' } }).errors).toEqual({ lr: '"x" is not a number (Learning rate)' });
    expect(form({}, { fields: { lr: '0.1, -1' } }).errors).toEqual({ lr: '-1: Learning rate must be greater than 0' });
    expect(form({}, { fields: { optimizer: 'sgd, rmsprop' } }).errors).toEqual({
      optimizer: 'rmsprop: Optimizer must be one of: sgd, momentum, adam',
    });
    expect(form({}, { fields: { lr: ' , ' } }).errors['lr']).toMatch(/^Learning rate: give the values to sweep, e\.g\. /);
    const bad = form({}, { fields: { lr: '0.1, x' } });
    expect([bad.total, bad.runs]).toEqual([null, null]);
  });

  it('refuses more than 100 runs, saying how many and why', () => {
    const c = form({}, { fields: { lr: '0.01:1:11', seed: '1:10:10' } });
    expect(c.total).toBe(110);
    expect(c.runs).toBeNull();
    expect(c.errors).toEqual({
      'sweep.total': 'This sweep makes 110 runs (11 lr × 10 seed), more than 100: sweep fewer values, or draw some at random',
    });
    expect(form({}, { fields: { lr: '0.01:1:11' }, repeat: '10' }).errors['sweep.total']).toBe(
      'This sweep makes 110 runs (11 lr × 10 seeds), more than 100: sweep fewer values, or draw some at random',
    );
  });

  it('refuses bad settings by name, and a repeat over swept seeds', () => {
    expect(form({}, { fields: { lr: '0.1,0.5' }, repeat: '0' }).errors).toEqual({
      'sweep.repeat': 'Repeat must be a whole number from 1 to 100',
    });
    expect(form({}, { fields: { lr: '0.1,0.5' }, mode: 'random', count: 'x', seed: '-1' }).errors).toEqual({
      'sweep.count': 'Runs must be a whole number from 1 to 100',
      'sweep.seed': 'Draw seed must be a whole number from 0 to 2147483647',
    });
    expect(form({}, { fields: { seed: '1,2' }, repeat: '2' }).errors).toEqual({
      'sweep.repeat': 'Seed is already swept: give either several seeds or a repeat',
    });
    // Seeds past the maximum once repeated.
    expect(form({ seed: '2147483647' }, { open: true, repeat: '2' }).errors).toEqual({
      'sweep.repeat': 'Run 2 (seed=2147483648): Seed must be at most 2147483647',
    });
  });

  it('leaves out a swept field that does not apply, and keeps the rest of the form’s errors its own', () => {
    // Momentum does not apply to sgd: not swept, not sent.
    const c = form({ optimizer: 'sgd' }, { fields: { momentum: '0.5, x', lr: '0.1,0.2' } });
    expect(c.errors).toEqual({});
    expect(c.runs!.every((r) => !('momentum' in r.config))).toBe(true);
    const broken = form({ epochs: '0' }, { fields: { lr: '0.1,0.2' } });
    expect(broken.base.errors).toEqual({ epochs: 'Epochs must be at least 1' });
    expect(broken.errors).toEqual({});
    expect(broken.runs).toBeNull();
  });
});

describe('the sweep toggle and the lab’s refusals', () => {
  it('starts from what the field holds (or its default) and keeps the first value when turned off', () => {
    expect(sweepTextFor(spec('lr'), '0.3')).toBe('0.3');
    expect(sweepTextFor(spec('lr'), '')).toBe('0.5');
    expect(sweepTextFor(spec('optimizer'), 'adam')).toBe('adam');
    expect(textAfterSweep(spec('lr'), '0.3, 0.5', '')).toBe('0.3');
    expect(textAfterSweep(spec('lr'), '0.5, 0.1', '0.2')).toBe('');
    expect(textAfterSweep(spec('hidden'), '20,10; 30', '')).toBe('20,10');
    expect(textAfterSweep(spec('optimizer'), 'adam,sgd', 'sgd')).toBe('adam');
    expect(textAfterSweep(spec('lr'), 'x', '0.2')).toBe('0.2');
  });

  it('puts the lab’s "runs.<i>.<field>" errors on the field, saying which run', () => {
    const runs = form({}, { fields: { lr: '0.1, 0.5' }, repeat: '2' }).runs!;
    expect(
      sweepErrorsByField(
        [
          { field: 'runs.2.lr', message: 'Learning rate must be at most 0.4' },
          { field: 'runs.3.lr', message: 'Learning rate must be at most 0.4' },
          { field: 'runs.0.dataPath', message: 'no such file' },
          { field: 'runs', message: 'A sweep makes at most 100 runs' },
        ],
        runs,
      ),
    ).toEqual({
      lr: 'Run 3 of the sweep (lr=0.5 seed=42): Learning rate must be at most 0.4',
      dataPath: 'Run 1 of the sweep (lr=0.1 seed=42): no such file',
      runs: 'A sweep makes at most 100 runs',
    });
  });

  it('says what it makes in words', () => {
    expect([runCount(1), runCount(4)]).toEqual(['1 run', '4 runs']);
    expect(valuesPreview([0.1, 0.5])).toBe('2 values: 0.1, 0.5');
    expect(valuesPreview([[100, 50], [200]])).toBe('2 values: 100,50, 200');
    expect(valuesPreview([1, 2, 3, 4, 5, 6, 7, 8])).toBe('8 values: 1, 2, 3, 4, 5, 6, … (2 more)');
    expect(sweepShown(emptySweep())).toBe(false);
    expect(sweepShown({ ...emptySweep(), open: true })).toBe(true);
    expect(sweepShown({ ...emptySweep(), fields: { lr: '' } })).toBe(true);
  });
});
