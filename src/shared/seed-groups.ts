/**
 * seedGroups: splits runs into seed groups — runs of one `group` (a sweep) whose configs
 * are equal except `seed` — and single runs, in the order the runs were given.
 */

/** What the grouping reads of a run (RunRecord has all of it). */
export interface GroupableRun {
  id: string;
  group?: string | null;
  config: object;
}

export interface SeedGroup<R extends GroupableRun> {
  /**
   * Stable across selection order: a single run's id; for a seed group, "seeds:" and the
   * smallest id of its runs (ids sort by creation time, so the first run started).
   */
  key: string;
  /** The sweep the runs belong to; null for a single run started on its own. */
  group: string | null;
  /** The runs, in the order given. A single run: one; a seed group: two or more. */
  runs: R[];
  /** The seeds of the runs, in the same order. */
  seeds: unknown[];
}

/** JSON with object keys sorted, so configs written in another key order still compare equal. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** The config without its seed, canonical: equal for the runs of one seed group. */
export function configWithoutSeed(config: object): string {
  const { seed: _seed, ...rest } = config as Record<string, unknown>;
  void _seed;
  return canonical(rest);
}

const seedOf = (run: GroupableRun): unknown => (run.config as Record<string, unknown>)['seed'];

/**
 * Seed groups and single runs, each at the place of its first run. A run without a group,
 * or the only one of its group with its config, stays single.
 */
export function seedGroups<R extends GroupableRun>(runs: readonly R[]): SeedGroup<R>[] {
  const byKey = new Map<string, R[]>();
  const order: string[] = [];
  for (const run of runs) {
    const key = run.group ? `${run.group}\n${configWithoutSeed(run.config)}` : `\n${run.id}`;
    let members = byKey.get(key);
    if (!members) {
      byKey.set(key, (members = []));
      order.push(key);
    }
    members.push(run);
  }
  const out: SeedGroup<R>[] = [];
  for (const key of order) {
    const members = byKey.get(key)!;
    if (members.length === 1 || !members[0]!.group) {
      for (const run of members) out.push({ key: run.id, group: run.group ?? null, runs: [run], seeds: [seedOf(run)] });
      continue;
    }
    const first = members.map((r) => r.id).sort()[0]!;
    out.push({ key: `seeds:${first}`, group: members[0]!.group!, runs: members, seeds: members.map(seedOf) });
  }
  return out;
}
