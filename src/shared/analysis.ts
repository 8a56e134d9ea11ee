/**
 * What a trained run answers once it has a checkpoint: predictions for images, and the
 * interpretation of its validation set (fastai's ClassificationInterpretation). Schemas
 * validate them where they cross a process boundary (the task a trainer process runs).
 */
import { z } from 'zod';

export const CHECKPOINTS = ['best', 'last'] as const;
export type CheckpointName = (typeof CHECKPOINTS)[number];

const probability = z.number().min(0).max(1);

/** One class and how likely the model finds it. */
export const ClassProbabilitySchema = z.object({ label: z.string(), probability });
export type ClassProbability = z.infer<typeof ClassProbabilitySchema>;

/** The model's answer for one input: the most likely classes, best first. */
export const PredictionSchema = z.object({
  name: z.string(),
  top: z.array(ClassProbabilitySchema),
});
export type Prediction = z.infer<typeof PredictionSchema>;

export const PredictionsSchema = z.object({
  /** Which checkpoint answered (best unless the run has only last, or last was asked for). */
  checkpoint: z.enum(CHECKPOINTS),
  results: z.array(PredictionSchema),
});
export type Predictions = z.infer<typeof PredictionsSchema>;

/** A validation sample the model got most wrong (highest loss). */
export const TopLossSchema = z.object({
  /** Index in the validation set. */
  index: z.number().int().min(0),
  actual: z.string(),
  predicted: z.string(),
  /** Cross-entropy loss of the sample. */
  loss: z.number(),
  /** The model's probability for its prediction, and for the actual class. */
  probability,
  actual_probability: probability,
  /** The sample as a PNG data URL, where the data are images. */
  image: z.string().nullable(),
});
export type TopLoss = z.infer<typeof TopLossSchema>;

export const InterpretationSchema = z.object({
  checkpoint: z.enum(CHECKPOINTS),
  classes: z.array(z.string()),
  /** Validation samples interpreted. */
  count: z.number().int().min(0),
  accuracy: z.number().min(0).max(1),
  /** counts[actual][predicted], rows and columns in class order. */
  confusion_matrix: z.array(z.array(z.number().int().min(0))),
  /** Each row divided by its sum (a row with no samples is all zero). */
  confusion_matrix_normalized: z.array(z.array(z.number().min(0).max(1))),
  per_class: z.array(z.object({ label: z.string(), count: z.number().int().min(0), accuracy: z.number().min(0).max(1).nullable() })),
  /** Off-diagonal cells with at least one sample, most first (fastai's most_confused). */
  most_confused: z.array(z.object({ actual: z.string(), predicted: z.string(), count: z.number().int().min(1) })),
  top_losses: z.array(TopLossSchema),
});
export type Interpretation = z.infer<typeof InterpretationSchema>;
