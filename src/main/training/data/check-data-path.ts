/**
 * The data path of a run, checked before the run is created: a missing folder or a file
 * where a folder belongs is the form's error to show on the field, not a run that fails
 * two seconds later in its trainer; so is an image folder without class folders, with one
 * class or with an empty class. The loaders still check everything they read.
 */
import type { Hyperparams } from '../../../shared/hyperparams';
import { DataError } from './data-error';
import { scanImageFolder } from './image-folder-scan';
import { assertFile, assertFolder } from './read-data-file';

/** Why the config's data path cannot be loaded (one line), or null when it looks right. */
export async function dataPathProblem(config: Hyperparams): Promise<string | null> {
  const path = config.dataPath.trim();
  try {
    if (config.dataset === 'idx') await assertFolder(path);
    else if (config.dataset === 'csv') await assertFile(path, 'a CSV file');
    // The folder layout (class folders, at least two, none empty) needs no decoding to check.
    else if (config.dataset === 'images') await scanImageFolder(path);
    return null;
  } catch (err) {
    if (err instanceof DataError) return err.message;
    throw err;
  }
}
