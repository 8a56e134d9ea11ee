/**
 * The Runner from code: the lesson's model and data, AvgStats and the target-accuracy
 * callback, up to `epochs` epochs. Returns the Runner and the epochs' stats.
 */
import {
  accuracy,
  AvgStatsCallback,
  createMlp,
  crossEntropy,
  DEFAULT_HYPERPARAMS,
  initBackend,
  Learner,
  loadDataBunch,
  Runner,
  SGD,
} from '../../src/main/training/index';
import TargetAccuracyCallback from './target-accuracy';

export async function trainInCode(epochs = 5, cacheDir?: string) {
  await initBackend('wasm');
  const data = await loadDataBunch(DEFAULT_HYPERPARAMS, { cacheDir });
  const model = createMlp({ inputs: data.trainDs.sampleSize, hidden: [50], classes: data.c, seed: 42 });
  const opt = new SGD(model.params, { lr: 0.5 });
  const stats = new AvgStatsCallback({ accuracy });
  const runner = new Runner([stats, new TargetAccuracyCallback(0.9)]);
  try {
    await runner.fit(epochs, new Learner(model, opt, crossEntropy, data));
  } finally {
    opt.dispose();
    model.dispose();
  }
  return { runner, history: stats.history };
}
