/**
 * Measurement: the first dense layer's products on an image batch's background
 * (src/main/training/kernels/sparse-input.ts) against the dense products, taking turns epoch
 * by epoch in one process on one model per path — the bare loop, plain SGD at the grid's lr,
 * one kernel thread unless given. Turns are timed over the training pass (from the end of
 * the first step to the end of the last); the first `warmupRounds` are not timed. Prints
 * each path's median and best step, and the median of the pairs' ratios.
 * Usage: node --import tsx bench/sparse-interleaved.ts '{"cells":["mlp-50-bs64"],"threads":1,"rounds":16,"warmupRounds":4}'
 */
import { setKernelThreads } from '../src/main/training/kernels/simd/kernel-threads';
import { setSparseInput } from '../src/main/training/kernels/sparse-input';
import { bareLr, createModel, trainStep } from './lib/bare-step';
import { openBareCell, parseTurns } from './lib/bare-cell';
import { cellLabel } from './lib/grid';
import { median } from './lib/stats';

interface Args {
  cells?: string[];
  threads?: number | null;
  rounds?: number;
  warmupRounds?: number;
}

const args = JSON.parse(process.argv[2] ?? '{}') as Args;
const { rounds, warmupRounds } = parseTurns('sparse', args, { rounds: 16, warmupRounds: 4 });
for (const id of args.cells ?? ['mlp-50-bs64', 'mlp-2048-bs512']) {
  const { cell, config, data } = await openBareCell('sparse', id);
  setKernelThreads(args.threads === undefined ? 1 : args.threads);
  const models = [createModel(config, data.trainDs.shape, data.c), createModel(config, data.trainDs.shape, data.c)];
  const lr = bareLr(config.lr);
  const steps: [number[], number[]] = [[], []];
  for (let round = 0; round < rounds; round++) {
    const path = round % 2; // 0: dense, 1: sparse
    setSparseInput(path === 1);
    let first = 0;
    let count = 0;
    for (const { xb, yb } of data.trainDl) {
      trainStep(models[path]!, xb, yb, lr).dispose();
      xb.dispose();
      yb.dispose();
      if (count++ === 0) first = performance.now();
    }
    if (round >= warmupRounds) steps[path]!.push(((performance.now() - first) / (count - 1)) * 1000);
  }
  setSparseInput(null);
  setKernelThreads(null);
  lr.scalar.dispose();
  for (const model of models) model.dispose();
  const ratios = steps[0].map((dense, i) => dense / steps[1][i]!);
  const line = (name: string, us: number[]) => `${name} ${median(us)!.toFixed(0)} µs/step (best ${Math.min(...us).toFixed(0)})`;
  console.log(
    `${cellLabel(cell)}, ${args.threads === null ? 'every core' : `${args.threads ?? 1} thread(s)`}: ${line('dense', steps[0])}, ${line('sparse', steps[1])}; sparse ${median(ratios)!.toFixed(2)}× dense (median of ${ratios.length} pairs)`,
  );
}
