/**
 * What the in-process bare-loop measurements (threads, kernel split, sparse) share: their
 * turns — an even number of rounds, two sides taking turns, the first `warmupRounds` not
 * timed — and one grid cell opened for the bare loop (its config at the grid's lr, the
 * backend initialised, its data loaded).
 */
import { initBackend } from '../../src/main/training/backend';
import { loadDataBunch } from '../../src/main/training/data/load';
import type { DataBunch } from '../../src/main/training/data/data-bunch';
import type { Hyperparams } from '../../src/shared/hyperparams';
import { GRID_CELLS, GRID_LR, type GridCell } from './grid';
import { jobConfig, parseJobOptions } from './job-options';

export interface Turns {
  rounds: number;
  warmupRounds: number;
}

/** The turns given, else `defaults`; throws, naming `what`, unless both are even and warm-up < rounds. */
export function parseTurns(what: string, given: Partial<Turns>, defaults: Turns): Turns {
  const rounds = given.rounds ?? defaults.rounds;
  const warmupRounds = given.warmupRounds ?? defaults.warmupRounds;
  if (rounds % 2 !== 0 || warmupRounds % 2 !== 0 || warmupRounds >= rounds) {
    throw new Error(`${what}: rounds and warmupRounds must be even, warmupRounds < rounds; got ${rounds}, ${warmupRounds}`);
  }
  return { rounds, warmupRounds };
}

export interface BareCell {
  cell: GridCell;
  config: Hyperparams;
  data: DataBunch;
}

/** Grid cell `id` ready for the bare loop; throws, naming `what` and the cells, for an unknown id. */
export async function openBareCell(what: string, id: string): Promise<BareCell> {
  const cell = GRID_CELLS.find((c) => c.id === id);
  if (!cell) throw new Error(`${what}: no grid cell "${id}"; cells: ${GRID_CELLS.map((c) => c.id).join(', ')}`);
  const { model, hidden, filters, batchSize } = cell;
  const config = jobConfig(parseJobOptions(JSON.stringify({ model, hidden, filters, batchSize, lr: GRID_LR })));
  await initBackend(config.backend);
  return { cell, config, data: await loadDataBunch(config) };
}
