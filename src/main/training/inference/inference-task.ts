/**
 * The inference tasks a trainer process runs for the lab, one per process, so a UI request
 * never runs TensorFlow.js in the process that serves the UI: predict (images through a
 * run's checkpoint) and interpret (the checkpoint on the run's validation set).
 */
import type { Interpretation, Predictions } from '../../../shared/analysis';
import { initBackend } from '../backend';
import type { InferenceTask } from './inference-task-schema';
import { interpretRun } from './interpret';
import { predictImages } from './predict';

export async function runInferenceTask(task: InferenceTask): Promise<Predictions | Interpretation> {
  switch (task.kind) {
    case 'predict': {
      await initBackend(task.backend);
      const images = task.images.map((img) => ({ name: img.name, source: Buffer.from(img.base64, 'base64') }));
      return predictImages(task.modelDir, task.data, images, { checkpoint: task.checkpoint, top: task.top });
    }
    case 'interpret':
      await initBackend(task.config.backend);
      return interpretRun(task.config, task.modelDir, task.data, {
        checkpoint: task.checkpoint,
        topLosses: task.topLosses,
        data: task.cacheDir ? { cacheDir: task.cacheDir } : {},
      });
  }
}
