/**
 * Measurement: the CNN preset's bare training step at batch 64, SIMD kernel call by kernel
 * call, on 1 thread and on every core, taking turns epoch by epoch in this one process (as
 * threads-interleaved.ts). Every kernel of the backend's set is wrapped with two
 * performance.now() calls on both sides alike, so the step is slower than unwrapped by the
 * same few µs per call either way; the first `warmupRounds` turns are not timed.
 * Usage: node --import tsx bench/kernel-split.ts '{"rounds":16,"warmupRounds":6}'
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import { setKernelThreads } from '../src/main/training/kernels/simd/kernel-threads';
import { simdKernelsFor } from '../src/main/training/kernels/simd/simd-kernels';
import { runMeasurement } from './lib/emit';
import { bareLr, createModel, trainStep } from './lib/bare-step';
import { openBareCell, parseTurns } from './lib/bare-cell';
import { cellLabel } from './lib/grid';
import type { KernelSplitResult } from './lib/kernel-split-result';

const CELL_ID = 'cnn-8-16-bs64';
/** Not kernels: the allocator, which the kernels call themselves. */
const UNTIMED = new Set(['malloc', 'free']);

runMeasurement(async (): Promise<KernelSplitResult> => {
  const { rounds, warmupRounds } = parseTurns('kernel split', JSON.parse(process.argv[2] ?? '{}'), { rounds: 16, warmupRounds: 6 });
  const { cell, config, data } = await openBareCell('kernel split', CELL_ID);
  const simd = simdKernelsFor(tf.backend()) as unknown as Record<string, unknown> | null;
  if (!simd) throw new Error('kernel split: the SIMD kernels do not run on this backend');
  const model = createModel(config, data.trainDs.shape, data.c);
  const lr = bareLr(config.lr);

  // µs of each call this turn, by kernel then by its place among that kernel's calls in a step.
  const names = Object.keys(simd).filter((k) => typeof simd[k] === 'function' && !UNTIMED.has(k));
  let turn: number[][] = names.map(() => []);
  let seen = names.map(() => 0);
  // Where each call first came in a step, to list the calls in step order.
  const place = new Map<string, number>();
  let inStep = 0;
  const originals = names.map((name) => simd[name] as (...a: number[]) => unknown);
  names.forEach((name, i) => {
    const f = originals[i]!;
    simd[name] = (...a: number[]) => {
      const t = performance.now();
      const out = f(...a);
      const k = seen[i]!++;
      const key = `${name}#${k + 1}`;
      if (!place.has(key)) place.set(key, inStep);
      inStep++;
      turn[i]![k] = (turn[i]![k] ?? 0) + (performance.now() - t) * 1000;
      return out;
    };
  });

  const calls = new Map<string, { one: number[]; all: number[] }>();
  const steps = { one: [] as number[], all: [] as number[] };
  try {
    for (let round = 0; round < rounds; round++) {
      const side = round % 2 === 0 ? 'one' : 'all';
      setKernelThreads(side === 'one' ? 1 : null);
      turn = names.map(() => []);
      let count = 0;
      const t0 = performance.now();
      for (const { xb, yb } of data.trainDl) {
        seen = names.map(() => 0);
        inStep = 0;
        trainStep(model, xb, yb, lr).dispose();
        xb.dispose();
        yb.dispose();
        count++;
      }
      const wall = ((performance.now() - t0) * 1000) / count;
      if (round < warmupRounds) continue;
      steps[side].push(wall);
      names.forEach((name, i) =>
        turn[i]!.forEach((us, k) => {
          const key = `${name}#${k + 1}`;
          if (!calls.has(key)) calls.set(key, { one: [], all: [] });
          calls.get(key)![side].push(us / count);
        }),
      );
    }
  } finally {
    names.forEach((name, i) => (simd[name] = originals[i]));
    setKernelThreads(null);
    lr.scalar.dispose();
    model.dispose();
  }
  return {
    label: cellLabel(cell),
    cores: availableParallelism(),
    rounds,
    warmup_rounds: warmupRounds,
    step_one_thread_us: steps.one,
    step_all_cores_us: steps.all,
    calls: [...calls]
      .sort(([a], [b]) => place.get(a)! - place.get(b)!)
      .map(([call, v]) => ({ call, one_thread_us: v.one, all_cores_us: v.all })),
  };
});
