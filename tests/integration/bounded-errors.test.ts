/**
 * Issue 12, case 3, end to end: a run's stored error quotes at most a short excerpt of a data
 * file. A real trainer fails on a CSV with a 20 MB cell and on a password file as CSV path;
 * run.json stays a few hundred bytes and holds nothing of the password file; an older record
 * with a megabyte of error text is listed with it shortened, so a list never outgrows the socket.
 */
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ERROR_TEXT_MAX } from '../../src/shared/excerpt';
import { DEFAULT_HYPERPARAMS } from '../../src/shared/hyperparams';
import { isDamaged } from '../../src/shared/records';
import { LabService } from '../../src/main/lab';
import { ChildProcessLauncher } from '../../src/main/runs/trainer/trainer-launcher';

let home: string;
let service: LabService;
beforeAll(async () => {
  home = await mkdtemp(join(tmpdir(), 'runlab-bounded-errors-'));
  service = await LabService.open({ dataDir: join(home, 'data'), launcher: new ChildProcessLauncher({ stdout: 'ignore' }) });
});
afterAll(async () => {
  await service.close();
  await rm(home, { recursive: true, force: true });
});

async function failedRun(dataPath: string) {
  const run = await service.call('startRun', { config: { ...DEFAULT_HYPERPARAMS, dataset: 'csv', dataPath, epochs: 1 } });
  const final = await service.supervisor.whenSettled(run.id);
  expect(final.status).toBe('failed');
  const stored = join(home, 'data', 'runs', run.id, 'run.json');
  return { error: final.error ?? '', storedBytes: (await stat(stored)).size, storedText: await readFile(stored, 'utf8') };
}

describe("a data file's content in a run's error", () => {
  it('a 20 MB CSV cell: the stored error quotes 40 characters of it, and run.json stays small', async () => {
    const path = join(home, 'huge-cell.csv');
    await writeFile(path, `label,a\n1,2\n0,${'x'.repeat(20_000_000)}\n`);
    const { error, storedBytes } = await failedRun(path);
    expect(error).toContain(`${path} line 3, column 'a': '${'x'.repeat(39)}…' is not a number`);
    expect(error.length).toBeLessThan(400);
    expect(storedBytes).toBeLessThan(8 * 1024);
  });

  it('a password file as CSV path: the run fails without a word of its content', async () => {
    const path = join(home, 'shadow');
    await writeFile(path, 'root:$y$j9T$s3cr3tHash$abc:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n');
    const { error, storedText } = await failedRun(path);
    expect(error).toContain('this does not look like a CSV dataset');
    for (const secret of ['root', 's3cr3tHash', 'daemon', '19000']) expect(storedText).not.toContain(secret);
    if (existsSync('/etc/shadow')) {
      const real = await failedRun('/etc/shadow');
      expect(real.storedText).not.toMatch(/root|daemon|\$[0-9a-z]\$/);
    }
  });

  it('an older record with a megabyte of error text is listed and read with it shortened', async () => {
    const run = await service.store.create({ config: DEFAULT_HYPERPARAMS, name: 'old', ownerPid: null });
    const file = join(home, 'data', 'runs', run.id, 'run.json');
    const record = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    await writeFile(
      file,
      JSON.stringify({ ...record, status: 'failed', ended: new Date().toISOString(), error: `boom ${'y'.repeat(1_000_000)}` }),
    );
    const entry = (await service.call('listRuns', {})).find((r) => r.id === run.id)!;
    if (isDamaged(entry)) throw new Error(`listed as damaged: ${entry.reason}`);
    const listed = entry;
    expect(listed.status).toBe('failed');
    expect(listed.error!.startsWith('boom yyy')).toBe(true);
    expect(listed.error!.length).toBeLessThanOrEqual(ERROR_TEXT_MAX);
    expect((await service.call('getRun', { id: run.id })).error!.length).toBeLessThanOrEqual(ERROR_TEXT_MAX);
  });
});
