/** RunStore safety: damaged run.json files are listed and never rewritten; ids never become paths; writes are atomic. */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDamaged, type DamagedRun } from '../../../src/shared/records';
import { RunStore } from '../../../src/main/runs/store/store';
import { config, iterRow, removeDir, snapshotTree, tempDir, rejection } from './store-fixtures';

let root: string;
let dataDir: string;
let store: RunStore;

beforeEach(async () => {
  root = await tempDir();
  dataDir = join(root, 'data');
  store = new RunStore(dataDir);
});
afterEach(async () => {
  await removeDir(root);
});

describe('damaged runs', () => {
  it('lists each kind of damaged run.json with a reason, next to the healthy runs, and never changes the file', async () => {
    const good = await store.create({ config, name: 'healthy' });
    const runsDir = join(dataDir, 'runs');
    const valid = JSON.parse(await readFile(join(runsDir, good.id, 'run.json'), 'utf8'));
    const damage: Record<string, string | null> = {
      '20250101-000000-0001': '{"schema": 1, "id": "20250101-000000-0001", "name": ',
      '20250101-000000-0002': JSON.stringify({ ...valid, id: '20250101-000000-0002', status: 'exploded' }),
      '20250101-000000-0003': JSON.stringify({ ...valid, id: '20250101-000000-0003', schema: 2 }),
      '20250101-000000-0004': null,
      '20250101-000000-0005': JSON.stringify({ ...valid, id: 'someone-else' }),
    };
    for (const [id, text] of Object.entries(damage)) {
      await mkdir(join(runsDir, id));
      if (text !== null) await writeFile(join(runsDir, id, 'run.json'), text);
    }
    const before = await snapshotTree(runsDir);

    const listed = await store.list();
    expect(listed.map((e) => e.id)).toEqual([good.id, ...Object.keys(damage).reverse()]);
    expect(isDamaged(listed[0]!)).toBe(false);
    const reasons = Object.fromEntries(listed.filter(isDamaged).map((d: DamagedRun) => [d.id, d.reason]));
    const file = (id: string): string => join(runsDir, id, 'run.json');
    expect(reasons['20250101-000000-0001']).toMatch(new RegExp(`^${escape(file('20250101-000000-0001'))} is not valid JSON \\(`));
    expect(reasons['20250101-000000-0002']).toBe(
      `${file('20250101-000000-0002')} is not a valid run record: status: Invalid option: expected one of "queued"|"running"|"completed"|"cancelled"|"failed"|"interrupted"`,
    );
    expect(reasons['20250101-000000-0003']).toBe(
      `${file('20250101-000000-0003')} has schema version 2; this Runlab reads version 1 (the file may come from a newer Runlab)`,
    );
    expect(reasons['20250101-000000-0004']).toBe(`${file('20250101-000000-0004')} is missing`);
    expect(reasons['20250101-000000-0005']).toBe(
      `${file('20250101-000000-0005')} says its id is "someone-else" but its folder is "20250101-000000-0005"`,
    );

    for (const id of Object.keys(damage)) {
      const got = await rejection(store.get(id));
      expect(got.code).toBe('invalid');
      expect(got.message).toBe(`Run ${id} is damaged and was left unchanged: ${reasons[id]}`);
      expect((await rejection(store.update(id, (r) => ({ ...r, name: 'fixed' })))).code).toBe('invalid');
      expect((await rejection(store.patch(id, { name: 'fixed' }))).code).toBe('invalid');
    }
    // The healthy run is owned by this live process; the damaged ones are not touched.
    expect(await store.recoverInterrupted()).toEqual([]);
    await store.list();
    expect(await snapshotTree(runsDir)).toEqual(before);
  });

  it('lets a damaged run be deleted on purpose', async () => {
    const id = '20250101-000000-0001';
    await mkdir(join(dataDir, 'runs', id), { recursive: true });
    await writeFile(join(dataDir, 'runs', id, 'run.json'), 'not json');
    await store.delete(id);
    expect(await store.list()).toEqual([]);
  });
});

describe('ids are never paths', () => {
  const badIds = ['../x', '..', '.', '', '/etc/passwd', '/abs', 'a/b', 'a\\b', '..\\x', 'x/../../y', 'nul', 'a b', 'é', 'x'.repeat(65)];

  it('refuses every bad id in every method before touching the disk', async () => {
    const run = await store.create({ config });
    await store.appendMetrics(run.id, [iterRow(1)]);
    // Bait: a run-like folder just outside the runs folder, and next to the data folder.
    for (const dir of [join(dataDir, 'x'), join(root, 'x')]) {
      await mkdir(dir, { recursive: true });
      await writeFile(join(dir, 'run.json'), JSON.stringify(await store.get(run.id)));
    }
    const before = await snapshotTree(root);

    for (const id of badIds) {
      const calls: Array<() => Promise<unknown>> = [
        () => store.get(id),
        () => store.update(id, (r) => ({ ...r, name: 'pwned' })),
        () => store.patch(id, { name: 'pwned' }),
        () => store.appendMetrics(id, [iterRow(1)]),
        () => store.readMetrics(id),
        () => store.delete(id),
        () => store.exportJson(id),
        () => store.exportCsv(id),
        async () => store.modelDir(id),
      ];
      for (const call of calls) {
        const error = await rejection(call());
        expect(error).toMatchObject({ code: 'invalid', field: 'id' });
        expect(error.message).toContain('is not valid: expected 1-64 letters, digits, "-" or "_" (no paths)');
      }
    }
    expect(await snapshotTree(root)).toEqual(before);
  });
});

describe('atomic writes', () => {
  it('leaves no temp files behind after creates and many updates', async () => {
    const run = await store.create({ config });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.update(run.id, (r) => ({ ...r, notes: `note ${i}` }))));
    expect((await readdir(join(dataDir, 'runs', run.id))).sort()).toEqual(['run.json']);
    expect(await readdir(join(dataDir, 'runs'))).toEqual([run.id]);
  });

  it('ignores a temp file left by a crash mid-write, and stray files and folders in the runs folder', async () => {
    const run = await store.create({ config, name: 'kept' });
    const runsDir = join(dataDir, 'runs');
    // What a crash between writing the temp file and the rename leaves: the old run.json intact.
    await writeFile(join(runsDir, run.id, `.run.json.99999.abcdef.tmp`), '{"schema": 1, "na');
    await writeFile(join(runsDir, '.run.json.1.tmp'), 'junk');
    await writeFile(join(runsDir, 'notes.txt'), 'not a run');
    await mkdir(join(runsDir, '.deleting-20250101-000000-0001-aaaa'));
    expect(await store.list()).toEqual([run]);
    expect((await store.get(run.id)).name).toBe('kept');
    expect((await store.patch(run.id, { name: 'renamed' })).name).toBe('renamed');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
