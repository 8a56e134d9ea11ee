/**
 * The run configuration: one table gives every field its type, default, bounds and help.
 * The zod schema that validates a config (main side, CLI, trainer protocol) and the form
 * the renderer draws are both derived from it, so they cannot disagree.
 */
import { z } from 'zod';

export const DATASETS = ['mnist-sample', 'idx', 'csv', 'images'] as const;
export const MODELS = ['mlp', 'cnn'] as const;
export const OPTIMIZERS = ['sgd', 'momentum', 'adam'] as const;
export const SCHEDULES = ['constant', 'linear', 'cosine', 'exponential', 'one-cycle'] as const;
export const BACKENDS = ['auto', 'tensorflow', 'wasm', 'cpu'] as const;
export const SWITCH = ['off', 'on'] as const;
/** Image-folder sizes: auto keeps 28×28 where the images are that, else 32×32. */
export const IMAGE_SIZES = ['auto', '28', '32', '64'] as const;
export const IMAGE_CHANNELS = ['auto', 'grey', 'rgb'] as const;

export type DatasetKind = (typeof DATASETS)[number];
export type ModelKind = (typeof MODELS)[number];
export type OptimizerKind = (typeof OPTIMIZERS)[number];
export type ScheduleKind = (typeof SCHEDULES)[number];
export type BackendName = (typeof BACKENDS)[number];
export type Switch = (typeof SWITCH)[number];
export type ImageSizeChoice = (typeof IMAGE_SIZES)[number];
export type ImageChannelsChoice = (typeof IMAGE_CHANNELS)[number];

interface FieldBase {
  label: string;
  help: string;
  /** Flag name on the command line, kebab-case. */
  flag: string;
  group: 'data' | 'model' | 'training' | 'stopping' | 'system';
}
export interface IntField extends FieldBase {
  kind: 'int';
  default: number;
  min: number;
  max: number;
}
export interface NumberField extends FieldBase {
  kind: 'number';
  default: number;
  min: number;
  max: number;
  /** When true, `min` itself is not allowed (lr > 0). */
  exclusiveMin?: boolean;
  /** Offer a log-scale input (learning rates). */
  log?: boolean;
}
export interface ChoiceField<T extends string = string> extends FieldBase {
  kind: 'choice';
  default: T;
  options: readonly T[];
}
export interface IntListField extends FieldBase {
  kind: 'int-list';
  default: readonly number[];
  min: number;
  max: number;
  minItems: number;
  maxItems: number;
}
export interface TextField extends FieldBase {
  kind: 'text';
  default: string;
  maxLength: number;
}
export type FieldSpec = IntField | NumberField | ChoiceField | IntListField | TextField;

function int(spec: Omit<IntField, 'kind'>) {
  const schema = z
    .number({ error: `${spec.label} must be a number` })
    .int({ error: `${spec.label} must be a whole number` })
    .min(spec.min, { error: `${spec.label} must be at least ${spec.min}` })
    .max(spec.max, { error: `${spec.label} must be at most ${spec.max}` });
  return { spec: { kind: 'int', ...spec } as IntField, schema: schema.default(spec.default) };
}

function num(spec: Omit<NumberField, 'kind'>) {
  const base = z.number({ error: `${spec.label} must be a number` });
  const lower = spec.exclusiveMin
    ? base.gt(spec.min, { error: `${spec.label} must be greater than ${spec.min}` })
    : base.min(spec.min, { error: `${spec.label} must be at least ${spec.min}` });
  const schema = lower.max(spec.max, { error: `${spec.label} must be at most ${spec.max}` });
  return { spec: { kind: 'number', ...spec } as NumberField, schema: schema.default(spec.default) };
}

function choice<const T extends readonly [string, ...string[]]>(spec: Omit<ChoiceField<T[number]>, 'kind' | 'options'> & { options: T }) {
  const schema = z.enum(spec.options, { error: `${spec.label} must be one of: ${spec.options.join(', ')}` });
  return {
    spec: { kind: 'choice', ...spec } as ChoiceField,
    schema: schema.default(spec.default as z.infer<typeof schema>),
  };
}

function intList(spec: Omit<IntListField, 'kind'>) {
  const item = z
    .number({ error: `${spec.label}: each size must be a number` })
    .int({ error: `${spec.label}: each size must be a whole number` })
    .min(spec.min, { error: `${spec.label}: each size must be at least ${spec.min}` })
    .max(spec.max, { error: `${spec.label}: each size must be at most ${spec.max}` });
  const schema = z
    .array(item, { error: `${spec.label} must be a list of whole numbers` })
    .min(spec.minItems, { error: `${spec.label} needs at least ${spec.minItems} size(s)` })
    .max(spec.maxItems, { error: `${spec.label} takes at most ${spec.maxItems} sizes` });
  return { spec: { kind: 'int-list', ...spec } as IntListField, schema: schema.default([...spec.default]) };
}

function text(spec: Omit<TextField, 'kind'>) {
  const schema = z
    .string({ error: `${spec.label} must be text` })
    .max(spec.maxLength, { error: `${spec.label} must be at most ${spec.maxLength} characters` });
  return { spec: { kind: 'text', ...spec } as TextField, schema: schema.default(spec.default) };
}

/** The fields, in form order. Defaults are the lesson-9 notebook's job. */
const FIELD_DEFS = {
  dataset: choice({
    label: 'Dataset',
    flag: 'dataset',
    group: 'data',
    default: 'mnist-sample',
    options: DATASETS,
    help: 'mnist-sample: 10,000 MNIST digits shipped with Runlab (8,000 train / 2,000 valid). idx: a folder of MNIST-format IDX files. csv: a CSV file with a label column. images: a folder with one subfolder of PNG/JPEG/WebP files per class.',
  }),
  dataPath: text({
    label: 'Data path',
    flag: 'data-path',
    group: 'data',
    default: '',
    maxLength: 4096,
    help: 'For idx: a folder with train-images/train-labels and t10k-images/t10k-labels IDX files (gzipped or not). For csv: the CSV file. For images: a folder of class folders, or of train/ and valid/ (or test/) folders of class folders. Unused for mnist-sample.',
  }),
  validFraction: num({
    label: 'Validation fraction',
    flag: 'valid-fraction',
    group: 'data',
    default: 0.2,
    min: 0.01,
    max: 0.9,
    help: 'Share of a CSV file, or of an image folder without train/ and valid/ folders, held out for validation (split by the seed; stratified by class for images).',
  }),
  imageSize: choice({
    label: 'Image size',
    flag: 'image-size',
    group: 'data',
    default: 'auto',
    options: IMAGE_SIZES,
    help: 'Side in pixels images are resized (centre-cropped) to. auto: 28 where the images are 28×28, else 32.',
  }),
  channels: choice({
    label: 'Channels',
    flag: 'channels',
    group: 'data',
    default: 'auto',
    options: IMAGE_CHANNELS,
    help: 'grey: one channel; rgb: three. auto: grey where the images are grey, else rgb.',
  }),
  skipBadFiles: choice({
    label: 'Skip undecodable files',
    flag: 'skip-bad-files',
    group: 'data',
    default: 'off',
    options: SWITCH,
    help: 'on: an image file that cannot be decoded is left out (the run says how many); off: it fails the run, naming the file.',
  }),
  model: choice({
    label: 'Model',
    flag: 'model',
    group: 'model',
    default: 'mlp',
    options: MODELS,
    help: "mlp: fully connected layers with ReLU (the notebook's model). cnn: a small convolutional net for 28×28 images.",
  }),
  hidden: intList({
    label: 'Hidden sizes',
    flag: 'hidden',
    group: 'model',
    default: [50],
    min: 1,
    max: 4096,
    minItems: 1,
    maxItems: 8,
    help: 'Units in each hidden layer of the MLP, comma-separated (the notebook uses 50).',
  }),
  filters: intList({
    label: 'Conv filters',
    flag: 'filters',
    group: 'model',
    default: [8, 16],
    min: 1,
    max: 256,
    minItems: 2,
    maxItems: 2,
    help: 'Filters of the CNN’s two 3×3 stride-2 convolutions, comma-separated: 8,16 is the small CNN, 32,64 a wider one.',
  }),
  dropout: num({
    label: 'Dropout',
    flag: 'dropout',
    group: 'model',
    default: 0,
    min: 0,
    max: 0.9,
    help: 'Share of activations zeroed at each training step (none in validation): after each hidden layer of the MLP, before the CNN’s dense layer. 0 turns it off.',
  }),
  batchNorm: choice({
    label: 'Batch norm',
    flag: 'batch-norm',
    group: 'model',
    default: 'off',
    options: SWITCH,
    help: 'on: BatchNorm after each hidden ReLU (MLP) or convolution (CNN) — batch statistics in training, running statistics in validation.',
  }),
  epochs: int({
    label: 'Epochs',
    flag: 'epochs',
    group: 'training',
    default: 3,
    min: 1,
    max: 1000,
    help: 'Passes over the training set.',
  }),
  batchSize: int({
    label: 'Batch size',
    flag: 'batch-size',
    group: 'training',
    default: 64,
    min: 1,
    max: 8192,
    help: 'Samples per training step (the notebook uses 64). Validation uses twice this.',
  }),
  optimizer: choice({
    label: 'Optimizer',
    flag: 'optimizer',
    group: 'training',
    default: 'sgd',
    options: OPTIMIZERS,
    help: 'sgd: plain SGD (the notebook). momentum: SGD with momentum. adam: Adam.',
  }),
  lr: num({
    label: 'Learning rate',
    flag: 'lr',
    group: 'training',
    default: 0.5,
    min: 0,
    max: 10,
    exclusiveMin: true,
    log: true,
    help: 'Peak learning rate (the notebook uses 0.5 with plain SGD; try 0.001 with Adam).',
  }),
  momentum: num({
    label: 'Momentum',
    flag: 'momentum',
    group: 'training',
    default: 0.9,
    min: 0,
    max: 0.999,
    help: 'Momentum for the momentum optimizer; beta1 for Adam.',
  }),
  weightDecay: num({
    label: 'Weight decay',
    flag: 'weight-decay',
    group: 'training',
    default: 0,
    min: 0,
    max: 1,
    help: 'L2 penalty added to the gradient of every weight (0 turns it off).',
  }),
  schedule: choice({
    label: 'LR schedule',
    flag: 'schedule',
    group: 'training',
    default: 'constant',
    options: SCHEDULES,
    help: 'How the learning rate moves over the run: constant, linear or cosine decay, exponential decay, or one-cycle (warm up 30%, then cosine down).',
  }),
  seed: int({
    label: 'Seed',
    flag: 'seed',
    group: 'training',
    default: 42,
    min: 0,
    max: 2_147_483_647,
    help: 'Seeds weight init and shuffling: the same seed, config and backend give the same metrics.',
  }),
  stopAfter: int({
    label: 'Stop after iterations',
    flag: 'stop-after',
    group: 'stopping',
    default: 0,
    min: 0,
    max: 10_000_000,
    help: "Stop after this many training iterations (the notebook's TestCallback); 0 means never.",
  }),
  patience: int({
    label: 'Early-stopping patience',
    flag: 'patience',
    group: 'stopping',
    default: 0,
    min: 0,
    max: 1000,
    help: 'Stop when validation loss has not improved for this many epochs; 0 turns early stopping off.',
  }),
  backend: choice({
    label: 'Backend',
    flag: 'backend',
    group: 'system',
    default: 'auto',
    options: BACKENDS,
    help: 'auto tries tensorflow (CUDA via @tensorflow/tfjs-node-gpu), then wasm, then cpu. A named backend that cannot load is an error.',
  }),
};

export type FieldKey = keyof typeof FIELD_DEFS;

type Shape = { [K in FieldKey]: (typeof FIELD_DEFS)[K]['schema'] };
const shape = Object.fromEntries(Object.entries(FIELD_DEFS).map(([k, d]) => [k, d.schema])) as Shape;

/** Field specs in form order, each with its key. */
export const FIELDS: ReadonlyArray<FieldSpec & { key: FieldKey }> = Object.entries(FIELD_DEFS).map(([key, d]) => ({
  key: key as FieldKey,
  ...d.spec,
}));

export const HyperparamsSchema = z
  .object(shape)
  .strict()
  .superRefine(
    (c, ctx) => {
      // Runs even when another field has the wrong type, so every error shows at once: check types here
      // (the config itself may be null or a number when it comes from a damaged file).
      if (typeof c !== 'object' || c === null) return;
      const dataset: unknown = c.dataset;
      const dataPath: unknown = c.dataPath;
      if ((dataset === 'idx' || dataset === 'csv' || dataset === 'images') && (typeof dataPath !== 'string' || dataPath.trim() === '')) {
        ctx.addIssue({ code: 'custom', path: ['dataPath'], message: `Data path is required for the ${dataset} dataset` });
      }
    },
    { when: () => true },
  );

export type Hyperparams = z.output<typeof HyperparamsSchema>;
export type HyperparamsInput = z.input<typeof HyperparamsSchema>;

export const DEFAULT_HYPERPARAMS: Hyperparams = HyperparamsSchema.parse({});

export interface FieldError {
  field: string;
  message: string;
}

export type Validation<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Validates a config; errors name the field (by key) and say what is expected. */
export function validateHyperparams(input: unknown): Validation<Hyperparams> {
  const result = HyperparamsSchema.safeParse(input ?? {});
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, errors: result.error.issues.map(toFieldError) };
}

function toFieldError(issue: z.core.$ZodIssue): FieldError {
  const field = issue.path.length > 0 ? issue.path.map(String).join('.') : '(config)';
  if (issue.code === 'unrecognized_keys') {
    return { field: issue.keys.join(', '), message: `Unknown field(s): ${issue.keys.join(', ')}` };
  }
  return { field, message: issue.message };
}

/** Presets offered by the form and the CLI (`--preset`). */
export const PRESETS: ReadonlyArray<{ id: string; label: string; config: Partial<Hyperparams> }> = [
  { id: 'lesson9', label: 'Lesson 9: MLP 50, SGD lr 0.5, bs 64', config: {} },
  {
    id: 'cnn',
    label: 'Small CNN, Adam lr 0.003, one-cycle',
    config: { model: 'cnn', optimizer: 'adam', lr: 0.003, schedule: 'one-cycle', momentum: 0.9, epochs: 3 },
  },
  {
    id: 'cnn-wide',
    label: 'Wider CNN 32-64, Adam lr 0.003, one-cycle',
    config: { model: 'cnn', filters: [32, 64], optimizer: 'adam', lr: 0.003, schedule: 'one-cycle', momentum: 0.9, epochs: 3 },
  },
  {
    id: 'mlp-onecycle',
    label: 'MLP 100-50, momentum, one-cycle',
    config: { hidden: [100, 50], optimizer: 'momentum', lr: 0.1, schedule: 'one-cycle', epochs: 5 },
  },
];
