/**
 * What `runlab predict` and `runlab interpret` need of a run: its record and recorded data,
 * its model folder, and the engine on the run's backend, in this process.
 */
import { Option } from 'commander';
import { CHECKPOINTS } from '../../shared/analysis';
import type { DataInfo, RunRecord } from '../../shared/records';
import { RunStore } from '../runs/store/store';
import { CliError } from './cli-error';

export interface RunModel {
  run: RunRecord;
  data: DataInfo;
  modelDir: string;
  cacheDir: string;
}

export function checkpointOption(): Option {
  return new Option('--checkpoint <name>', 'which saved model: best (lowest validation loss) or last; default best, else last').choices(
    CHECKPOINTS,
  );
}

export async function openRunModel(dataDir: string | undefined, id: string): Promise<RunModel> {
  const store = new RunStore(dataDir ?? RunStore.defaultDataDir());
  const run = await store.get(id);
  if (!run.data) {
    throw new CliError(`run ${id} has no record of its data (it trained before Runlab kept one, or never loaded its data); train it again`);
  }
  // TensorFlow.js greets on console.log: stdout is for results only.
  console.log = console.info = console.debug = console.warn = (...args: unknown[]) => console.error(...args);
  const { initBackend } = await import('../training/backend');
  await initBackend(run.config.backend);
  return { run, data: run.data, modelDir: store.modelDir(id), cacheDir: `${store.dataDir}/cache` };
}
