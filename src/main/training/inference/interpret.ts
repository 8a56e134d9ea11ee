/**
 * interpretRun: fastai's ClassificationInterpretation for a run's checkpoint on its
 * validation set — the data loaded again from the run's config (same seed, same split),
 * predicted in batches: confusion matrix (counts and row-normalized), accuracy per class,
 * most_confused, and the top losses with their images.
 */
import type { CheckpointName, Interpretation, TopLoss } from '../../../shared/analysis';
import type { Hyperparams } from '../../../shared/hyperparams';
import type { DataInfo } from '../../../shared/records';
import { encodePng } from '../data/decode-image';
import type { Dataset } from '../data/dataset';
import { loadDataBunch, type LoadOptions } from '../data/load';
import { classProbabilities, type ClassScores } from './class-probabilities';
import { inputPixels } from './image-input';
import { openCheckpoint } from './run-checkpoint';

export interface InterpretOptions {
  checkpoint?: CheckpointName;
  /** How many of the highest-loss samples to return (default 16). */
  topLosses?: number;
  data?: LoadOptions;
}

export async function interpretRun(
  config: Hyperparams,
  modelDir: string,
  data: DataInfo,
  options: InterpretOptions = {},
): Promise<Interpretation> {
  const bunch = await loadDataBunch(config, options.data);
  const valid = bunch.validDs;
  const { model, checkpoint } = await openCheckpoint(modelDir, data, options.checkpoint);
  try {
    if (valid.sampleSize !== data.input_shape.reduce((a, b) => a * b, 1) || bunch.c !== data.classes.length) {
      throw new Error(`the run's data changed since it trained (it now has ${bunch.c} classes and ${valid.sampleSize} values per sample)`);
    }
    const scores = await classProbabilities(model, valid.x, valid.length, 2 * config.batchSize);
    return await summarize(scores, valid, data, checkpoint, options.topLosses ?? 16);
  } finally {
    model.dispose();
  }
}

/** The interpretation of the scores (rows × classes) against the dataset's labels; exported for hand-checked tests. */
export async function summarize(
  { probs, logProbs }: ClassScores,
  valid: Pick<Dataset, 'y' | 'x' | 'length' | 'sampleSize'>,
  data: DataInfo,
  checkpoint: CheckpointName,
  topLosses: number,
): Promise<Interpretation> {
  const classes = data.classes;
  const c = classes.length;
  const n = valid.length;
  const matrix = classes.map(() => new Array<number>(c).fill(0));
  const samples: Omit<TopLoss, 'image'>[] = [];
  let correct = 0;
  for (let i = 0; i < n; i++) {
    const row = probs.subarray(i * c, (i + 1) * c);
    let predicted = 0;
    for (let k = 1; k < c; k++) if (row[k]! > row[predicted]!) predicted = k;
    const actual = valid.y[i]!;
    matrix[actual]![predicted]!++;
    if (predicted === actual) correct++;
    samples.push({
      index: i,
      actual: classes[actual]!,
      predicted: classes[predicted]!,
      loss: -logProbs[i * c + actual]!,
      probability: clamp01(row[predicted]!),
      actual_probability: clamp01(row[actual]!),
    });
  }
  const rowSums = matrix.map((r) => r.reduce((a, b) => a + b, 0));
  const mostConfused = matrix
    .flatMap((r, a) => r.map((count, p) => ({ actual: classes[a]!, predicted: classes[p]!, count, off: a !== p })))
    .filter((cell) => cell.off && cell.count > 0)
    .sort((x, y) => y.count - x.count)
    .map(({ actual, predicted, count }) => ({ actual, predicted, count }));
  const worst = [...samples].sort((x, y) => y.loss - x.loss || x.index - y.index).slice(0, topLosses);
  return {
    checkpoint,
    classes,
    count: n,
    accuracy: n > 0 ? correct / n : 0,
    confusion_matrix: matrix,
    confusion_matrix_normalized: matrix.map((r, a) => r.map((count) => (rowSums[a]! > 0 ? count / rowSums[a]! : 0))),
    per_class: classes.map((label, a) => ({ label, count: rowSums[a]!, accuracy: rowSums[a]! > 0 ? matrix[a]![a]! / rowSums[a]! : null })),
    most_confused: mostConfused,
    top_losses: await Promise.all(worst.map(async (s) => ({ ...s, image: await sampleImage(valid, s.index, data) }))),
  };
}

async function sampleImage(valid: Pick<Dataset, 'x' | 'sampleSize'>, index: number, data: DataInfo): Promise<string | null> {
  const image = data.image;
  if (image === null || valid.sampleSize !== image.width * image.height * image.channels) return null;
  const pixels = inputPixels(valid.x.subarray(index * valid.sampleSize, (index + 1) * valid.sampleSize), data);
  const png = await encodePng(pixels, image.width, image.height, image.channels);
  return `data:image/png;base64,${png.toString('base64')}`;
}

function clamp01(v: number): number {
  return Math.min(1, Math.max(0, v));
}
