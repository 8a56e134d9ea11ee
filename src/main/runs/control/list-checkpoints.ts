/**
 * listCheckpoints: a run's resumable checkpoints as the store sees them — each folder whose
 * name is a position and whose state.json reads as a checkpoint, earliest first. A folder
 * that does not read is left out (the engine names the problem if it is ever loaded).
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  STATE_JSON,
  checkpointTime,
  comparePositions,
  parseCheckpointName,
  parseCheckpointState,
  type CheckpointInfo,
} from '../../../shared/checkpoint';
import { mapLimit } from '../store/map-limit';

export async function listCheckpoints(dir: string): Promise<CheckpointInfo[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const named = names.flatMap((name) => {
    const position = parseCheckpointName(name);
    return position === null ? [] : [{ name, position }];
  });
  const read = await mapLimit(named, 8, async ({ name, position }): Promise<CheckpointInfo | null> => {
    const file = join(dir, name, STATE_JSON);
    const text = await readFile(file, 'utf8').catch(() => null);
    if (text === null) return null;
    const parsed = parseCheckpointState(text, file);
    if (!parsed.ok || comparePositions(parsed.state.position, position) !== 0) return null;
    const { kind, n_iter, n_epochs, written } = parsed.state;
    return { name, position, kind, n_iter, n_epochs, t: checkpointTime(parsed.state), written };
  });
  return read.filter((c): c is CheckpointInfo => c !== null).sort((a, b) => comparePositions(a.position, b.position));
}
