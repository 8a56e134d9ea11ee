/**
 * Seed groups: runs of one sweep whose configs differ only in `seed` are one group; other
 * runs of the sweep, runs without a group and a lone run stay single; order is kept.
 */
import { describe, expect, it } from 'vitest';
import { configWithoutSeed, seedGroups } from '../../../src/shared/seed-groups';

const run = (id: string, group: string | null | undefined, config: Record<string, unknown>) => ({ id, group, config });
const G = 'sweep-20261202-230000-ab12';

describe('seedGroups', () => {
  it('splits a 2 lrs × 2 seeds sweep into 2 seed groups, keyed by their first run', () => {
    const runs = [
      run('r1', G, { lr: 0.1, seed: 1, hidden: [50] }),
      run('r2', G, { lr: 0.1, seed: 2, hidden: [50] }),
      run('r3', G, { lr: 0.5, seed: 1, hidden: [50] }),
      run('r4', G, { lr: 0.5, seed: 2, hidden: [50] }),
    ];
    const groups = seedGroups(runs);
    expect(groups.map((g) => [g.key, g.group, g.runs.map((r) => r.id), g.seeds])).toEqual([
      ['seeds:r1', G, ['r1', 'r2'], [1, 2]],
      ['seeds:r3', G, ['r3', 'r4'], [1, 2]],
    ]);
    // The key does not depend on the order the runs were picked in.
    expect(seedGroups([runs[3]!, runs[1]!, runs[2]!, runs[0]!]).map((g) => [g.key, g.runs.map((r) => r.id)])).toEqual([
      ['seeds:r3', ['r4', 'r3']],
      ['seeds:r1', ['r2', 'r1']],
    ]);
  });

  it('keeps runs without a group, of another group or alone with their config single, in place', () => {
    const groups = seedGroups([
      run('a', null, { lr: 0.1, seed: 1 }),
      run('b', undefined, { lr: 0.1, seed: 2 }),
      run('c', G, { lr: 0.1, seed: 1 }),
      run('d', 'sweep-20261202-230001-cd34', { lr: 0.1, seed: 2 }),
      run('e', G, { lr: 0.2, seed: 2 }),
      run('f', G, { lr: 0.1, seed: 3 }),
    ]);
    expect(groups.map((g) => [g.key, g.runs.map((r) => r.id)])).toEqual([
      ['a', ['a']],
      ['b', ['b']],
      ['seeds:c', ['c', 'f']],
      ['d', ['d']],
      ['e', ['e']],
    ]);
    expect(groups[0]!.group).toBeNull();
    expect(groups[4]!.group).toBe(G);
  });

  it('compares configs by value: key order and list contents, seed ignored', () => {
    expect(configWithoutSeed({ seed: 1, lr: 0.1, hidden: [100, 50] })).toBe(configWithoutSeed({ hidden: [100, 50], lr: 0.1, seed: 9 }));
    expect(configWithoutSeed({ lr: 0.1, hidden: [100, 50] })).not.toBe(configWithoutSeed({ lr: 0.1, hidden: [50, 100] }));
    expect(seedGroups([run('x', G, { a: { p: 1, q: 2 }, seed: 1 }), run('y', G, { a: { q: 2, p: 1 }, seed: 2 })])).toHaveLength(1);
    expect(seedGroups([])).toEqual([]);
  });
});
