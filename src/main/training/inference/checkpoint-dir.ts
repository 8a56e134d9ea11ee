/** checkpointDir: which of a run's checkpoints (model/best, model/last) exists; file-system only, no engine. */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import type { CheckpointName } from '../../../shared/analysis';

/** As saveModel names it (models/save-model.ts, which loads the engine). */
const MODEL_JSON = 'model.json';

/** The checkpoint folder to use: `which` if given (it must exist), else best, else last; null when there is none. */
export async function checkpointDir(modelDir: string, which?: CheckpointName): Promise<{ dir: string; checkpoint: CheckpointName } | null> {
  for (const checkpoint of which ? [which] : (['best', 'last'] as const)) {
    const dir = join(modelDir, checkpoint);
    if (await exists(join(dir, MODEL_JSON))) return { dir, checkpoint };
  }
  return null;
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
