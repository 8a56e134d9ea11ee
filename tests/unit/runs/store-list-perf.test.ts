/**
 * RunStore.list with hundreds of runs: fast, and it never opens a metrics file. Proof: every
 * metrics.jsonl is a named pipe (FIFO), and opening a FIFO for reading blocks until a writer
 * comes, so a list() that read one would hang instead of returning.
 */
import { execFileSync } from 'node:child_process';
import { constants, openSync, closeSync } from 'node:fs';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDamaged } from '../../../src/shared/records';
import { mapLimit } from '../../../src/main/runs/store/map-limit';
import { RunStore } from '../../../src/main/runs/store/store';
import { config, iterRow, removeDir, tempDir } from './store-fixtures';

const RUNS = 300;
const hasFifos = process.platform !== 'win32';

let dataDir: string;
let store: RunStore;
let fifos: string[] = [];

/** Rejects if `promise` has not settled within `ms`: a hang becomes a clear failure. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

beforeAll(async () => {
  dataDir = await tempDir();
  store = new RunStore(dataDir);
  const started = performance.now();
  const runs = await mapLimit(
    Array.from({ length: RUNS }, (_, i) => i),
    8,
    (i) => store.create({ config: { ...config, lr: 0.01 * (i + 1) }, name: `run ${i + 1}`, ownerPid: null }),
  );
  console.log(`created ${RUNS} runs in ${(performance.now() - started).toFixed(0)} ms`);
  for (const run of runs) {
    await mkdir(store.modelDir(run.id));
    await writeFile(join(store.modelDir(run.id), 'model.json'), '{}');
  }
  if (hasFifos) {
    fifos = runs.map((run) => join(dataDir, 'runs', run.id, 'metrics.jsonl'));
    execFileSync('mkfifo', fifos);
  }
});

afterAll(async () => {
  // Should a reader ever block on a FIFO, give it a writer so its thread is released.
  for (const fifo of fifos) {
    try {
      closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK));
    } catch {
      // ENXIO: nobody is reading it, which is the expected case.
    }
  }
  await removeDir(dataDir);
});

describe('list with hundreds of runs', () => {
  it.skipIf(!hasFifos)('a FIFO metrics file really does block a reader until a writer comes (the probe works)', async () => {
    const probe = await store.create({ config, name: 'probe', ownerPid: null });
    const fifo = join(dataDir, 'runs', probe.id, 'metrics.jsonl');
    execFileSync('mkfifo', [fifo]);
    let settled = false;
    // A plain read, as a careless list() would do (the store's own metrics reads refuse FIFOs).
    const reading = readFile(fifo, 'utf8').finally(() => {
      settled = true;
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(settled).toBe(false);
    const writer = await open(fifo, 'w');
    await writer.writeFile(`${JSON.stringify(iterRow(1))}\n`);
    await writer.close();
    expect(await reading).toBe(`${JSON.stringify(iterRow(1))}\n`);
    await rm(join(dataDir, 'runs', probe.id), { recursive: true });
  });

  it(`lists ${RUNS} runs newest first, quickly, without opening any metrics file`, async () => {
    // Warm-up: the first call pays for module and zod initialisation.
    await within(store.list(), 5_000, 'list()');
    const times: number[] = [];
    let listed = await store.list();
    for (let i = 0; i < 5; i++) {
      const started = performance.now();
      listed = await within(store.list(), 5_000, 'list()');
      times.push(performance.now() - started);
    }
    times.sort((a, b) => a - b);
    console.log(
      `list() of ${RUNS} runs: median ${times[2]!.toFixed(1)} ms, min ${times[0]!.toFixed(1)} ms, max ${times[4]!.toFixed(1)} ms`,
    );

    expect(listed).toHaveLength(RUNS);
    expect(listed.some(isDamaged)).toBe(false);
    const created = listed.map((e) => (isDamaged(e) ? '' : e.created));
    expect(created).toEqual([...created].sort().reverse());
    // Generous bound for a loaded 2-core CI box; measured far lower (see the log line).
    expect(times[2]!).toBeLessThan(1500);
  });
});
