/**
 * predictImages: a run's checkpoint on image files — for each, the most likely classes with
 * their probabilities, best first. Images that cannot be decoded are refused by name.
 */
import type { CheckpointName, Predictions } from '../../../shared/analysis';
import type { DataInfo } from '../../../shared/records';
import type { ImageSource } from '../data/decode-image';
import { classProbabilities } from './class-probabilities';
import { imageInput } from './image-input';
import { openCheckpoint } from './run-checkpoint';

export interface PredictImage {
  name: string;
  source: ImageSource;
}

export async function predictImages(
  modelDir: string,
  data: DataInfo,
  images: readonly PredictImage[],
  options: { checkpoint?: CheckpointName; top?: number } = {},
): Promise<Predictions> {
  const inputs = await Promise.all(
    images.map((img) =>
      imageInput(img.source, data).catch((err: Error) => {
        throw new Error(`${img.name}: ${err.message}`, { cause: err });
      }),
    ),
  );
  const { model, checkpoint } = await openCheckpoint(modelDir, data, options.checkpoint);
  try {
    const size = inputs[0]?.length ?? 0;
    const all = new Float32Array(inputs.length * size);
    inputs.forEach((x, i) => all.set(x, i * size));
    const c = data.classes.length;
    const probs = inputs.length > 0 ? (await classProbabilities(model, all, inputs.length)).probs : new Float64Array(0);
    const k = Math.min(c, options.top ?? 5);
    return {
      checkpoint,
      results: images.map((img, i) => ({ name: img.name, top: topClasses(probs.subarray(i * c, (i + 1) * c), data.classes, k) })),
    };
  } finally {
    model.dispose();
  }
}

/** The k most likely classes, best first (ties: lower class index first). */
export function topClasses(probs: ArrayLike<number>, classes: readonly string[], k: number): { label: string; probability: number }[] {
  return Array.from({ length: classes.length }, (_, i) => i)
    .sort((a, b) => probs[b]! - probs[a]! || a - b)
    .slice(0, k)
    .map((i) => ({ label: classes[i]!, probability: Math.min(1, Math.max(0, probs[i]!)) }));
}
