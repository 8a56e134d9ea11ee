/**
 * Measurement: Start → the first stored row, through a real RunSupervisor and RunStore
 * and real trainer processes, three ways, taking turns: cold with the trainer compiled from
 * TypeScript at start (tsx, as before the bundle), cold with the bundled trainer, and warm
 * (a spare trainer already started and prepared, warm-trainers.ts — what the app and the
 * web host keep). "Start" is supervisor.start() (what the UI's Start calls, IPC aside); the
 * first row is the first `run:metrics` push, which the supervisor sends after the row is
 * appended to metrics.jsonl. The dataset cache is on disk for all three (it is built once
 * per machine). Also times Start → 'running' (the trainer's `started`).
 * Usage: node --import tsx bench/first-row.ts '{"repeats":3}'
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabEventName, LabEvents } from '../src/shared/api';
import { DEFAULT_HYPERPARAMS } from '../src/shared/hyperparams';
import { loadMnistSample } from '../src/main/training/data/mnist-sample';
import { RunStore } from '../src/main/runs/store/store';
import { RunSupervisor } from '../src/main/runs/supervisor';
import { buildTrainerBundle } from '../src/main/runs/trainer/build-trainer-bundle';
import { bundleFresh } from '../src/main/runs/trainer/trainer-bundle';
import { ChildProcessLauncher, type TrainerLauncher } from '../src/main/runs/trainer/trainer-launcher';
import { WarmTrainers } from '../src/main/runs/trainer/warm-trainers';
import { runMeasurement } from './lib/emit';
import { FIRST_ROW_VARIANTS, type FirstRowResult, type FirstRowVariant } from './lib/first-row-result';

interface Options {
  repeats: number;
}

function parseOptions(json: string | undefined): Options {
  const raw = JSON.parse(json ?? '{}') as Partial<Options>;
  const repeats = raw.repeats ?? 3;
  if (!Number.isInteger(repeats) || repeats < 1) throw new Error(`first-row options: repeats must be a whole number ≥ 1, got ${repeats}`);
  return { repeats };
}

async function once(variant: FirstRowVariant, cacheDir: string): Promise<{ first_row_s: number; running_s: number }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'runlab-first-row-'));
  const base = new ChildProcessLauncher({ stdout: 'ignore', bundle: variant !== 'cold_tsx' });
  let launcher: TrainerLauncher = base;
  if (variant === 'warm') {
    const warm = new WarmTrainers(base, { cacheDir, refillDelayMs: 60_000 });
    await warm.whenPrepared();
    launcher = warm;
  }
  const supervisor = new RunSupervisor(new RunStore(dataDir), launcher, { cacheDir });
  try {
    let firstRow: number | null = null;
    let running: number | null = null;
    const seen = new Promise<void>((resolve) => {
      supervisor.subscribe(<E extends LabEventName>(event: E, payload: LabEvents[E]) => {
        if (event === 'run:updated' && (payload as LabEvents['run:updated']).status === 'running') running ??= performance.now();
        if (event === 'run:metrics' && firstRow === null) {
          firstRow = performance.now();
          resolve();
        }
      });
    });
    const t0 = performance.now();
    const run = await supervisor.start({ ...DEFAULT_HYPERPARAMS, epochs: 1, stopAfter: 5 });
    await seen;
    const final = await supervisor.whenSettled(run.id);
    if (final.status !== 'completed') throw new Error(`the ${variant} run ended ${final.status}: ${final.error ?? ''}`);
    return { first_row_s: (firstRow! - t0) / 1000, running_s: ((running ?? firstRow!) - t0) / 1000 };
  } finally {
    await supervisor.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

runMeasurement(async (): Promise<FirstRowResult> => {
  const opts = parseOptions(process.argv[2]);
  const cacheDir = await mkdtemp(join(tmpdir(), 'runlab-first-row-cache-'));
  try {
    await loadMnistSample({ cacheDir });
    if (!bundleFresh()) await buildTrainerBundle();
    const samples = Object.fromEntries(FIRST_ROW_VARIANTS.map((v) => [v, [] as { first_row_s: number; running_s: number }[]])) as Record<
      FirstRowVariant,
      { first_row_s: number; running_s: number }[]
    >;
    for (let r = 0; r < opts.repeats; r++) {
      const order = [...FIRST_ROW_VARIANTS.slice(r % 3), ...FIRST_ROW_VARIANTS.slice(0, r % 3)];
      for (const variant of order) {
        samples[variant].push(await once(variant, cacheDir));
        process.stderr.write(`[first-row] ${r + 1}/${opts.repeats} ${variant}: ${samples[variant].at(-1)!.first_row_s.toFixed(2)} s\n`);
      }
    }
    return { repeats: opts.repeats, samples };
  } finally {
    await rm(cacheDir, { recursive: true, force: true });
  }
});
