/**
 * WarmTrainers with real trainer processes: a spare is started and prepared, Start hands
 * the run to exactly that process and the run trains from what it prepared; close() ends
 * the spare; spares that die unused are replaced, and after three such deaths in a row no
 * more are started; the trainer refuses `prepare` twice or after `start`. Also the bundled
 * trainer: built from the sources, it trains a run like the TypeScript one.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { LabEventName, LabEvents } from '../../src/shared/api';
import { DEFAULT_HYPERPARAMS } from '../../src/shared/hyperparams';
import { RunStore } from '../../src/main/runs/store/store';
import { RunSupervisor } from '../../src/main/runs/supervisor';
import { buildTrainerBundle } from '../../src/main/runs/trainer/build-trainer-bundle';
import { bundleFresh, TRAINER_BUNDLE } from '../../src/main/runs/trainer/trainer-bundle';
import { ChildProcessLauncher, type TrainerHandle, type TrainerLauncher } from '../../src/main/runs/trainer/trainer-launcher';
import { parseChildMessage, type ChildMessage } from '../../src/main/runs/trainer/trainer-protocol';
import { WarmTrainers } from '../../src/main/runs/trainer/warm-trainers';

const SHARED_CACHE = join(tmpdir(), 'runlab-test-data-cache');

let dataDir: string;

beforeEach(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'runlab-warm-'));
});

afterEach(async () => {
  await rm(dataDir, { recursive: true, force: true });
});

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A real launcher that counts its launches. */
class Counting implements TrainerLauncher {
  launches = 0;
  constructor(private readonly inner: TrainerLauncher) {}
  launch(): TrainerHandle {
    this.launches++;
    return this.inner.launch();
  }
}

describe('warm trainers', () => {
  it('start and prepare a spare; Start hands the run to that process, which trains it to the end', async () => {
    const warm = new WarmTrainers(new ChildProcessLauncher({ stdout: 'ignore' }), { cacheDir: SHARED_CACHE, refillDelayMs: 60_000 });
    const supervisor = new RunSupervisor(new RunStore(dataDir), warm, { cacheDir: SHARED_CACHE });
    try {
      await warm.whenPrepared();
      expect(warm.status).toMatchObject({ spares: 1, prepared: 1 });
      const sparePid = warm.status.pids[0]!;
      let firstRows = 0;
      supervisor.subscribe(<E extends LabEventName>(event: E, payload: LabEvents[E]) => {
        if (event === 'run:metrics' && firstRows === 0) firstRows = (payload as LabEvents['run:metrics']).rows.length;
      });
      const run = await supervisor.start({ ...DEFAULT_HYPERPARAMS, epochs: 1, stopAfter: 12 });
      await until(() => supervisor.trainerPid(run.id) !== undefined);
      expect(supervisor.trainerPid(run.id)).toBe(sparePid);
      expect(warm.status.spares).toBe(0);
      const final = await supervisor.whenSettled(run.id);
      expect(final.status).toBe('completed');
      expect(final.summary?.iterations).toBe(12);
      // The first row went out on its own, at once (the chart's first point).
      expect(firstRows).toBe(1);
      expect((await new RunStore(dataDir).readMetrics(run.id)).filter((r) => r.kind === 'iter')).toHaveLength(12);
    } finally {
      await supervisor.close();
    }
  });

  it('close() ends the spare; later launches start processes of their own', async () => {
    const counting = new Counting(new ChildProcessLauncher({ stdout: 'ignore' }));
    const warm = new WarmTrainers(counting, { cacheDir: SHARED_CACHE });
    await until(() => warm.status.spares === 1);
    const pid = warm.status.pids[0]!;
    expect(alive(pid)).toBe(true);
    warm.close();
    await until(() => !alive(pid));
    const handle = warm.launch();
    expect(counting.launches).toBe(2);
    handle.kill('SIGKILL');
  });

  it('replace a spare that dies unused, and stop after three such deaths in a row', async () => {
    const script = join(dataDir, 'dies.mjs');
    await writeFile(script, 'process.exit(3);\n');
    const counting = new Counting(new ChildProcessLauncher({ modulePath: script, stdout: 'ignore' }));
    const warm = new WarmTrainers(counting, { cacheDir: null, retryMs: 50 });
    await until(() => counting.launches === 3 && warm.status.spares === 0);
    // Well past the next retry (4 × 50 ms): no fourth.
    await new Promise((r) => setTimeout(r, 600));
    expect(counting.launches).toBe(3);
    expect(warm.status.spares).toBe(0);
    warm.close();
  });

  it('the trainer refuses "prepare" twice, naming the protocol', async () => {
    const handle = new ChildProcessLauncher({ stdout: 'ignore' }).launch();
    const messages: ChildMessage[] = [];
    handle.onMessage((raw) => {
      const parsed = parseChildMessage(raw);
      if (parsed.ok) messages.push(parsed.message);
    });
    const exited = new Promise<number | null>((resolve) => handle.onExit((code) => resolve(code)));
    handle.send({ type: 'prepare', cacheDir: SHARED_CACHE });
    handle.send({ type: 'prepare', cacheDir: SHARED_CACHE });
    expect(await exited).toBe(1);
    expect(messages).toContainEqual({ type: 'error', message: 'trainer protocol error: "prepare" comes once, before "start"' });
  });
});

describe('the bundled trainer', () => {
  it('is rebuilt from the sources and trains a run like the TypeScript one', async () => {
    if (!bundleFresh()) await buildTrainerBundle();
    expect(bundleFresh()).toBe(true);
    const launcher = new ChildProcessLauncher({ stdout: 'ignore' });
    expect(launcher.modulePath).toBe(TRAINER_BUNDLE);
    const supervisor = new RunSupervisor(new RunStore(dataDir), launcher, { cacheDir: SHARED_CACHE });
    try {
      const run = await supervisor.start({ ...DEFAULT_HYPERPARAMS, epochs: 1, stopAfter: 5, model: 'cnn' });
      const final = await supervisor.whenSettled(run.id);
      expect(final.error).toBeNull();
      expect(final.status).toBe('completed');
      expect(final.device).toMatch(/^wasm \(SIMD/);
    } finally {
      await supervisor.close();
    }
    expect(new ChildProcessLauncher({ bundle: false }).modulePath).toMatch(/trainer-process\.ts$/);
    // Callback modules import the engine from the sources: their trainer runs the sources too.
    expect(new ChildProcessLauncher({ callbackModules: ['docs/examples/target-accuracy.ts'] }).modulePath).toMatch(/trainer-process\.ts$/);
  });
});
