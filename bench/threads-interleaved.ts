/**
 * Measurement: Runlab's kernels on one thread against every core, taking turns epoch by
 * epoch in this one process, for a few of the grid's cells — the bare loop (the engine's
 * model, lossAndGrads and SGD kernel), plain SGD at the grid's lr. Each turn is timed over
 * its training pass, from the end of its first step to the end of its last; the first
 * `warmupRounds` turns are not timed. See lib/threads-result.ts for why one process.
 * Usage: node --import tsx bench/threads-interleaved.ts '{"rounds":24,"warmupRounds":4}'
 */
import { availableParallelism } from 'node:os';
import { setKernelThreads } from '../src/main/training/kernels/simd/kernel-threads';
import { runMeasurement } from './lib/emit';
import { bareLr, createModel, trainStep } from './lib/bare-step';
import { openBareCell, parseTurns } from './lib/bare-cell';
import { cellLabel } from './lib/grid';
import { batchSamples, throughput, type Tick } from './lib/stats';
import type { ThreadsCellResult, ThreadsResult } from './lib/threads-result';

/** The cells: the CNN preset and the default MLP's shape at both batch sizes, and the wide CNN. */
const CELL_IDS = ['cnn-8-16-bs64', 'cnn-8-16-bs512', 'mlp-50-bs64', 'mlp-50-bs512', 'cnn-32-64-bs64'];

runMeasurement(async (): Promise<ThreadsResult> => {
  const { rounds, warmupRounds } = parseTurns('threads', JSON.parse(process.argv[2] ?? '{}'), { rounds: 24, warmupRounds: 4 });
  const cells: ThreadsCellResult[] = [];
  for (const id of CELL_IDS) {
    const { cell, config, data } = await openBareCell('threads', id);
    const model = createModel(config, data.trainDs.shape, data.c);
    const lr = bareLr(config.lr);
    const result: ThreadsCellResult = { label: cellLabel(cell), one_thread_sps: [], all_cores_sps: [] };
    for (let round = 0; round < rounds; round++) {
      const one = round % 2 === 0;
      setKernelThreads(one ? 1 : null);
      const ticks: Tick[] = [];
      let index = 0;
      for (const { xb, yb } of data.trainDl) {
        trainStep(model, xb, yb, lr).dispose();
        xb.dispose();
        yb.dispose();
        ticks.push({ t: performance.now(), samples: batchSamples(index++, data.trainDs.length, config.batchSize) });
      }
      const sps = throughput(ticks) ?? Number.NaN;
      if (round >= warmupRounds) (one ? result.one_thread_sps : result.all_cores_sps).push(sps);
    }
    setKernelThreads(null);
    lr.scalar.dispose();
    model.dispose();
    cells.push(result);
  }
  return { cores: availableParallelism(), rounds, warmup_rounds: warmupRounds, cells };
});
