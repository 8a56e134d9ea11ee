/**
 * The inference tasks a trainer process can be asked to run (inference-task.ts runs them):
 * plain zod and shared schemas only, so the supervisor's side of the protocol imports no engine.
 */
import { z } from 'zod';
import { CHECKPOINTS } from '../../../shared/analysis';
import { BACKENDS, HyperparamsSchema } from '../../../shared/hyperparams';
import { DataInfoSchema } from '../../../shared/records';

/** Base64 of at most this many bytes per image: pictures are resized on the way in. */
export const MAX_IMAGE_BYTES = 8 * 1024 * 1024;

export const InferenceTaskSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('predict'),
    backend: z.enum(BACKENDS),
    modelDir: z.string().min(1),
    data: DataInfoSchema,
    checkpoint: z.enum(CHECKPOINTS).optional(),
    top: z.number().int().min(1).max(100).optional(),
    images: z
      .array(z.object({ name: z.string().max(300), base64: z.string().max(Math.ceil((MAX_IMAGE_BYTES * 4) / 3) + 4) }))
      .min(1)
      .max(64),
  }),
  z.object({
    kind: z.literal('interpret'),
    config: HyperparamsSchema,
    modelDir: z.string().min(1),
    data: DataInfoSchema,
    checkpoint: z.enum(CHECKPOINTS).optional(),
    cacheDir: z.string().min(1).nullable(),
    topLosses: z.number().int().min(0).max(100).optional(),
  }),
]);
export type InferenceTask = z.infer<typeof InferenceTaskSchema>;
