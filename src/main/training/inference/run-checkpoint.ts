/**
 * openCheckpoint: the model a run saved — its best checkpoint (lowest validation loss) when
 * it has one, else its last — loaded through the layer registry, with a check that it fits
 * the run's recorded data (input size and class count).
 */
import type { CheckpointName } from '../../../shared/analysis';
import type { DataInfo } from '../../../shared/records';
import { loadModel } from '../models/load-model';
import type { Model } from '../models/model';
import { checkpointDir } from './checkpoint-dir';

export interface OpenedCheckpoint {
  model: Model;
  checkpoint: CheckpointName;
  dir: string;
}

export async function openCheckpoint(modelDir: string, data: DataInfo, which?: CheckpointName): Promise<OpenedCheckpoint> {
  const found = await checkpointDir(modelDir, which);
  if (found === null) {
    throw new Error(
      which ? `the run has no ${which} checkpoint` : 'the run has no saved model yet (a checkpoint is saved after each epoch)',
    );
  }
  const model = await loadModel(found.dir);
  const inputs = data.input_shape.reduce((a, b) => a * b, 1);
  const modelInputs = model.inputShape.reduce((a, b) => a * b, 1);
  const outputs = model.outputShape.reduce((a, b) => a * b, 1);
  if (modelInputs !== inputs || outputs !== data.classes.length) {
    model.dispose();
    throw new Error(
      `${found.dir}: the model takes ${modelInputs} values and gives ${outputs} classes, but the run's data has ${inputs} values and ${data.classes.length} classes`,
    );
  }
  return { model, ...found };
}
