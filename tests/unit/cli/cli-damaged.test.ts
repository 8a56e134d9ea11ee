/**
 * Issue 12, case 1 at the command line: a run.json whose config is null no longer takes
 * `runs list`, `show`, `export` and `rm` down; the damaged run is listed, shown as far as it
 * can be read, refused for export with one line, and deleted.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunStore } from '../../../src/main/runs/store/store';
import { DEFAULT_HYPERPARAMS } from '../../../src/shared/hyperparams';
import { lines, startRunlab } from '../../helpers/runlab-cli';

let home: string;
let healthy: string;
let broken: string;
const runlab = (...args: string[]) => startRunlab(args, home).done;

beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-cli-damaged-'));
  const store = new RunStore(home);
  healthy = (await store.create({ config: DEFAULT_HYPERPARAMS, name: 'healthy', ownerPid: null })).id;
  const victim = await store.create({ config: DEFAULT_HYPERPARAMS, name: 'config gone', ownerPid: null });
  await store.update(victim.id, (r) => ({ ...r, status: 'completed' }));
  await store.appendMetrics(victim.id, [
    { kind: 'epoch', epoch: 1, iter: 2, train_loss: 2.1, train_accuracy: 0.3, valid_loss: 1.9, valid_accuracy: 0.4, seconds: 1.5, t: 20 },
  ]);
  broken = victim.id;
  const file = join(home, 'runs', broken, 'run.json');
  await writeFile(file, JSON.stringify({ ...JSON.parse(await readFile(file, 'utf8')), config: null }));
});

afterAll(async () => {
  await rm(home, { recursive: true, force: true });
});

describe('a run whose config is null', () => {
  it('is listed as damaged next to the healthy run', async () => {
    const { code, stdout, stderr } = await runlab('runs', 'list', '--json');
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const listed = JSON.parse(stdout) as Array<{ id: string; status: string; reason?: string }>;
    expect(listed.map((r) => [r.id, r.status]).sort()).toEqual(
      [
        [broken, 'damaged'],
        [healthy, 'interrupted'],
      ].sort(),
    );
    expect(listed.find((r) => r.id === broken)!.reason).toMatch(/run\.json is not a valid run record: config: /);
  });

  it('is shown as far as it can be read', async () => {
    const { code, stdout } = await runlab('runs', 'show', broken);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^status\s+damaged$/m);
    expect(stdout).toMatch(/^reason\s+.*run\.json is not a valid run record: config: /m);
    expect(stdout).toMatch(/^name\s+config gone$/m);
    expect(stdout).toMatch(/^was\s+completed$/m);
    expect(stdout).toMatch(/^1\s+2\.100000\s+0\.300000\s+1\.900000\s+0\.400000\s+00:02$/m);
    expect(stdout).toContain(`runlab runs rm ${broken}`);
  });

  it('is refused for export with one line, and deleted by rm', async () => {
    const exported = await runlab('runs', 'export', broken);
    expect(exported.code).toBe(1);
    expect(lines(exported.stderr)).toHaveLength(1);
    expect(exported.stderr).toMatch(new RegExp(`^error: Run ${broken} is damaged and was left unchanged: `));
    const removed = await runlab('runs', 'rm', broken);
    expect(removed.stdout.trim()).toBe(`deleted ${broken}`);
    expect((await new RunStore(home).list()).map((r) => r.id)).toEqual([healthy]);
  });
});
