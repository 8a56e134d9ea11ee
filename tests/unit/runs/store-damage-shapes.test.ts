/**
 * Issue 12, case 1: a run.json of any shape — config missing or null, every field null, not an
 * object, a pipe, a device, binary, huge — is listed as damaged with a reason, shown as far as
 * it can be read, and deletable; it never hides the other runs or stops the service opening.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LabService } from '../../../src/main/lab';
import { RunStore } from '../../../src/main/runs/store/store';
import { isDamaged, RunRecordSchema, type DamagedRun } from '../../../src/shared/records';
import { config, removeDir, tempDir } from './store-fixtures';

let dataDir: string;
let store: RunStore;

beforeEach(async () => {
  dataDir = await tempDir();
  store = new RunStore(dataDir);
});
afterEach(async () => {
  await removeDir(dataDir);
});

/** Every shape of damage a hostile tester tried, as the text of run.json (or how to make the path). */
function damages(valid: Record<string, unknown>): Record<string, string | ((path: string) => Promise<void>)> {
  const as = (id: string, patch: Record<string, unknown>) => JSON.stringify({ ...valid, id, ...patch });
  const without = (id: string, key: string) => {
    const copy: Record<string, unknown> = { ...valid, id };
    delete copy[key];
    return JSON.stringify(copy);
  };
  const out: Record<string, string | ((path: string) => Promise<void>)> = {
    '20240101-000000-0001': without('20240101-000000-0001', 'config'),
    '20240101-000000-0002': as('20240101-000000-0002', { config: null }),
    '20240101-000000-0003': as('20240101-000000-0003', { config: 7 }),
    '20240101-000000-0004': as('20240101-000000-0004', { config: 'mlp' }),
    '20240101-000000-0005': as('20240101-000000-0005', { config: [] }),
    '20240101-000000-0006': as('20240101-000000-0006', { config: { dataset: 'csv' } }),
    '20240101-000000-0007': as('20240101-000000-0007', { summary: 'great' }),
    '20240101-000000-0008': as('20240101-000000-0008', { progress: { iter: -1 } }),
    '20240101-000000-0009': as('20240101-000000-0009', { tags: null }),
    '20240101-000000-0010': as('20240101-000000-0010', { created: 'yesterday' }),
    '20240101-000000-0011': JSON.stringify(Object.fromEntries(Object.keys(valid).map((k) => [k, null]))),
    '20240101-000000-0012': 'null',
    '20240101-000000-0013': '[1, 2, 3]',
    '20240101-000000-0014': '42',
    '20240101-000000-0015': '"a string"',
    '20240101-000000-0016': '',
    '20240101-000000-0017': '\u0000\u0001\u0002binary\uffff',
    '20240101-000000-0018': `{"schema": 1, "${'k'.repeat(100_000)}": 1}`,
    '20240101-000000-0019': as('20240101-000000-0019', { name: 'n'.repeat(1_000_000) }),
    '20240101-000000-0020': as('20240101-000000-0020', { schema: { nested: true } }),
    '20240101-000000-0021': async (path) => void (await mkdir(path)),
    '20240101-000000-0022': async (path) => void execFileSync('mkfifo', [path]),
    '20240101-000000-0023': async (path) => symlink('/dev/zero', path),
    '20240101-000000-0024': async (path) => symlink(join(path, '..', 'nowhere'), path),
    '20240101-000000-0025': async (path) => symlink('/etc/passwd', path),
  };
  return out;
}

describe('a damaged run.json of any shape', () => {
  it('is listed as damaged with a short reason beside the healthy runs, and the service still opens', async () => {
    const good = await store.create({ config, name: 'healthy' });
    await store.update(good.id, (r) => ({ ...r, status: 'completed', owner_pid: null }));
    const valid = JSON.parse(await readFile(join(dataDir, 'runs', good.id, 'run.json'), 'utf8')) as Record<string, unknown>;
    const shapes = damages(valid);
    for (const [id, make] of Object.entries(shapes)) {
      const dir = join(dataDir, 'runs', id);
      await mkdir(dir);
      if (typeof make === 'string') await writeFile(join(dir, 'run.json'), make);
      else await make(join(dir, 'run.json'));
    }

    const listed = await store.list();
    expect(listed.map((e) => e.id).sort()).toEqual([good.id, ...Object.keys(shapes)].sort());
    expect(listed.find((e) => e.id === good.id)).toMatchObject({ name: 'healthy', status: 'completed' });
    const damaged = new Map(listed.filter(isDamaged).map((d) => [d.id, d]));
    expect(damaged.size).toBe(Object.keys(shapes).length);
    for (const entry of damaged.values()) {
      expect(entry.reason.length).toBeLessThanOrEqual(1000);
      expect(entry.reason).toContain(join(dataDir, 'runs', entry.id, 'run.json'));
      expect(entry.reason).not.toMatch(/root:/); // never the content of /etc/passwd
    }
    const reason = (n: string): string => damaged.get(`20240101-000000-00${n}`)!.reason;
    expect(reason('01')).toMatch(/is not a valid run record: config: /);
    expect(reason('02')).toMatch(/is not a valid run record: config: /);
    expect(reason('12')).toMatch(/does not hold a run record \(expected a JSON object, found null\)$/);
    expect(reason('13')).toMatch(/found an array\)$/);
    expect(reason('16')).toMatch(/is not valid JSON \(it ends in the middle of a value\)$/);
    expect(reason('17')).toMatch(/is not valid JSON \(unexpected character\)$/);
    expect(reason('21')).toMatch(/is a folder, not a file$/);
    expect(reason('22')).toMatch(/is a named pipe \(FIFO\), not a file$/);
    expect(reason('23')).toMatch(/is a character device, not a file$/);
    expect(reason('25')).toMatch(/is not valid JSON \(unexpected character\)$/);

    // What is readable is kept for showing: the name of the run whose config is missing.
    expect(damaged.get('20240101-000000-0001')!.readable).toMatchObject({ name: 'healthy', status: 'completed' });
    expect(damaged.get('20240101-000000-0002')!.readable?.config).toBeUndefined();
    expect(damaged.get('20240101-000000-0011')!.readable).toMatchObject({ backend: null, error: null });
    expect(damaged.get('20240101-000000-0012')!.readable).toBeUndefined();

    // The service opens (recovery lists the runs) and lists them the same way.
    const service = await LabService.open({ dataDir });
    try {
      const viaApi = await service.call('listRuns', {});
      expect(viaApi).toHaveLength(listed.length);
      const one = (await service.store.entry('20240101-000000-0002')) as DamagedRun;
      expect(one).toMatchObject({ id: '20240101-000000-0002', damaged: true, readable: { name: 'healthy' } });
      await expect(service.call('getRun', { id: '20240101-000000-0002' })).rejects.toMatchObject({ code: 'invalid' });
      // Deleting works for every shape, including the pipe and the device.
      for (const id of Object.keys(shapes)) await service.call('deleteRun', { id });
    } finally {
      await service.close();
    }
    expect(await store.list()).toEqual([RunRecordSchema.parse(listed.find((e) => e.id === good.id))]);
  });
});
