/**
 * The data path of a run, checked before the run is created: a missing folder or a file
 * where a folder belongs is the form's error to show on the field, not a run that fails
 * two seconds later in its trainer. The loaders still check everything they read.
 */
import type { Hyperparams } from '../../../shared/hyperparams';
import { DataError } from './data-error';
import { assertFile, assertFolder } from './read-data-file';

/** Why the config's data path cannot be loaded (one line), or null when it looks right. */
export async function dataPathProblem(config: Hyperparams): Promise<string | null> {
  const path = config.dataPath.trim();
  try {
    if (config.dataset === 'idx') await assertFolder(path);
    else if (config.dataset === 'csv') await assertFile(path, 'a CSV file');
    return null;
  } catch (err) {
    if (err instanceof DataError) return err.message;
    throw err;
  }
}
