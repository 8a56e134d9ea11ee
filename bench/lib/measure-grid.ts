/**
 * Runs the scaling grid (grid.ts): for each repeat, each cell, each contender in a rotating
 * order — Runlab's runJob in its own process with RUNLAB_THREADS=1 or every core (and, for
 * an MLP, on one thread with RUNLAB_SPARSE_INPUT=0), PyTorch's reference with one thread or
 * its default — and collects the outcomes.
 */
import { join } from 'node:path';
import { runMeasurementProcess, runProcess, type Outcome } from './child';
import {
  GRID_CONTENDERS,
  GRID_LR,
  cellLabel,
  hasDenseContender,
  type GridCell,
  type GridContender,
  type GridRepeat,
  type PytorchRun,
} from './grid';
import type { JobBenchOptions } from './job-options';
import type { LoopResult } from './loop-result';
import { singleThreadEnv, type TorchPython } from './python';

export interface GridRunOptions {
  benchDir: string;
  env: NodeJS.ProcessEnv;
  python: TorchPython | null;
  trainFiles: { x: string; y: string } | null;
  repeats: number;
  /** Each cell's untimed epochs (gridWarmupEpochs), the same for every contender. */
  warmupEpochs: (cell: GridCell) => number;
  timedEpochs: number;
  log: (line: string) => void;
}

const THREAD_VARS = ['OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS', 'MKL_NUM_THREADS', 'RUNLAB_THREADS'];

/** The environment without any thread-count override: every library picks its default, every core. */
export function allCoresEnv(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const k of THREAD_VARS) delete out[k];
  return out;
}

/** Runlab's environment for a contender: its threads, and the sparse products on unless it is runlab_dense_1. */
export function runlabEnv(env: NodeJS.ProcessEnv, who: Extract<GridContender, `runlab${string}`>): NodeJS.ProcessEnv {
  const out = allCoresEnv(env);
  delete out.RUNLAB_SPARSE_INPUT;
  if (who !== 'runlab_all') out.RUNLAB_THREADS = '1';
  if (who === 'runlab_dense_1') out.RUNLAB_SPARSE_INPUT = '0';
  return out;
}

function rate(o: Outcome<LoopResult> | Outcome<PytorchRun>): string {
  if (!o.ok) return `FAILED (${o.seconds.toFixed(1)} s): ${o.error.split('\n')[0]}`;
  const v = o.value;
  const sps = 'train_sps' in v ? v.train_sps : v.samples_per_second;
  return `${sps === null ? '—' : Math.round(sps).toLocaleString('en-US')}/s (${o.seconds.toFixed(1)} s)`;
}

export async function measureGrid(cells: readonly GridCell[], o: GridRunOptions): Promise<GridRepeat[][]> {
  const runlab = (cell: GridCell, who: Extract<GridContender, `runlab${string}`>) => {
    const job: Partial<JobBenchOptions> = {
      backend: 'wasm',
      model: cell.model,
      batchSize: cell.batchSize,
      hidden: [...cell.hidden],
      filters: [cell.filters[0], cell.filters[1]],
      lr: GRID_LR,
      epochs: o.warmupEpochs(cell) + o.timedEpochs,
      warmupEpochs: o.warmupEpochs(cell),
      budgetMs: null,
    };
    return runMeasurementProcess<LoopResult>(join(o.benchDir, 'runner-job.ts'), job, { env: runlabEnv(o.env, who) });
  };
  const pytorch = (cell: GridCell, oneThread: boolean) => {
    const { python, trainFiles } = o;
    if (!python || !trainFiles) return Promise.resolve(null);
    const args = [
      join(o.benchDir, 'reference', 'pytorch_train.py'),
      ...['--x', trainFiles.x, '--y', trainFiles.y, '--model', cell.model, '--batch-size', String(cell.batchSize)],
      ...['--hidden', cell.hidden.join(','), '--filters', cell.filters.join(','), '--lr', String(GRID_LR)],
      ...['--warmup-epochs', String(o.warmupEpochs(cell)), '--epochs', String(o.timedEpochs), '--threads', oneThread ? '1' : '0'],
    ];
    return runProcess<PytorchRun>(python.path, args, { env: oneThread ? singleThreadEnv(o.env) : allCoresEnv(o.env) });
  };
  const all: GridRepeat[][] = [];
  for (let r = 0; r < o.repeats; r++) {
    const repeat: GridRepeat[] = [];
    for (const [i, cell] of cells.entries()) {
      const result: GridRepeat = { runlab_1: null, runlab_dense_1: null, runlab_all: null, pytorch_1: null, pytorch_all: null };
      const contenders = GRID_CONTENDERS.filter((who) => who !== 'runlab_dense_1' || hasDenseContender(cell));
      const k = (r + i) % contenders.length;
      for (const who of [...contenders.slice(k), ...contenders.slice(0, k)]) {
        const outcome = who === 'pytorch_1' || who === 'pytorch_all' ? await pytorch(cell, who === 'pytorch_1') : await runlab(cell, who);
        result[who] = outcome;
        if (outcome) o.log(`grid ${r + 1}/${o.repeats}: ${cellLabel(cell).padEnd(20)} ${who.padEnd(14)} ${rate(outcome)}`);
      }
      repeat.push(result);
    }
    all.push(repeat);
  }
  return all;
}
