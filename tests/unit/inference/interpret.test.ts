/** ClassificationInterpretation's numbers on a hand-checked case, and the top-k ordering predict uses. */
import { describe, expect, it } from 'vitest';
import type { DataInfo } from '../../../src/shared/records';
import { summarize } from '../../../src/main/training/inference/interpret';
import { topClasses } from '../../../src/main/training/inference/predict';

const DATA: DataInfo = {
  classes: ['cat', 'dog', 'fox'],
  input_shape: [4],
  image: { width: 2, height: 2, channels: 1, mean: [0.5], std: [0.25] },
  train_size: 10,
  valid_size: 6,
  skipped_count: 0,
  skipped: [],
};

/** Six samples: actual labels and the model's probabilities (rows sum to 1). */
const LABELS = Int32Array.from([0, 0, 1, 1, 2, 2]);
const PROBS = [
  [0.7, 0.2, 0.1], // cat → cat
  [0.1, 0.8, 0.1], // cat → dog
  [0.05, 0.9, 0.05], // dog → dog
  [0.3, 0.6, 0.1], // dog → dog
  [0.2, 0.7, 0.1], // fox → dog
  [0.6, 0.3, 0.1], // fox → cat
];

function scores() {
  const probs = Float64Array.from(PROBS.flat());
  return { probs, logProbs: probs.map((p) => Math.log(p)) };
}

describe('summarize (interpretation)', () => {
  it('counts the confusion matrix by actual row and predicted column, in class order, and normalizes rows', async () => {
    // Sample values normalize back to pixels: (x · 0.25 + 0.5) · 255.
    const valid = { y: LABELS, x: new Float32Array(6 * 4).fill(0), length: 6, sampleSize: 4 };
    const r = await summarize(scores(), valid, DATA, 'best', 3);
    expect(r.classes).toEqual(['cat', 'dog', 'fox']);
    expect(r.confusion_matrix).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 1, 0],
    ]);
    expect(r.confusion_matrix_normalized).toEqual([
      [0.5, 0.5, 0],
      [0, 1, 0],
      [0.5, 0.5, 0],
    ]);
    expect(r.accuracy).toBeCloseTo(3 / 6, 12);
    expect(r.per_class).toEqual([
      { label: 'cat', count: 2, accuracy: 0.5 },
      { label: 'dog', count: 2, accuracy: 1 },
      { label: 'fox', count: 2, accuracy: 0 },
    ]);
    expect(r.most_confused).toEqual([
      { actual: 'cat', predicted: 'dog', count: 1 },
      { actual: 'fox', predicted: 'cat', count: 1 },
      { actual: 'fox', predicted: 'dog', count: 1 },
    ]);
  });

  it('lists the highest losses first, with the prediction, both probabilities and the sample as an image', async () => {
    const valid = { y: LABELS, x: new Float32Array(6 * 4).fill(0), length: 6, sampleSize: 4 };
    const r = await summarize(scores(), valid, DATA, 'last', 3);
    // Losses −log p(actual): samples 1, 4 and 5 give their actual class 0.1 (loss 2.303, the highest); ties go by index.
    expect(r.top_losses.map((t) => [t.index, t.actual, t.predicted])).toEqual([
      [1, 'cat', 'dog'],
      [4, 'fox', 'dog'],
      [5, 'fox', 'cat'],
    ]);
    expect(r.top_losses[0]!.loss).toBeCloseTo(-Math.log(0.1), 12);
    expect(r.top_losses[0]!.probability).toBeCloseTo(0.8, 12);
    expect(r.top_losses[0]!.actual_probability).toBeCloseTo(0.1, 12);
    expect(r.top_losses[0]!.image).toMatch(/^data:image\/png;base64,/);
    expect(r.checkpoint).toBe('last');
    const tabular = await summarize(scores(), valid, { ...DATA, image: null }, 'best', 1);
    expect(tabular.top_losses[0]!.image).toBeNull();
  });
});

describe('topClasses', () => {
  it('lists the k most likely classes best first, ties by class order', () => {
    expect(topClasses([0.1, 0.5, 0.1, 0.3], ['a', 'b', 'c', 'd'], 3)).toEqual([
      { label: 'b', probability: 0.5 },
      { label: 'd', probability: 0.3 },
      { label: 'a', probability: 0.1 },
    ]);
  });
});
