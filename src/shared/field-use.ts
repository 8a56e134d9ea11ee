/**
 * Which config fields a run actually uses. A config stores every field (the form's defaults
 * included), but some only apply to one kind of run: momentum to the momentum optimizer (and
 * to Adam as its beta1), never to plain SGD; hidden sizes to the MLP and conv filters to the
 * CNN; the data path to every dataset but the shipped sample; the validation fraction to the
 * CSV and image-folder splits; image size, channels and skipping undecodable files to image
 * folders. The trainer's data loaders (training/data/load.ts), model builder and optimizer
 * builder (training/job.ts) read exactly these; the New run form shows exactly these
 * (renderer lib/draft-config.ts), and Compare marks the rest "not used".
 */
import type { FieldKey, Hyperparams } from './hyperparams';

type ConfigLike = Partial<Record<FieldKey, unknown>>;

/** For each field that is not always used: the config field that decides, and the values that use it. */
const USED_WHEN: Partial<Record<FieldKey, { by: FieldKey; when: readonly string[] }>> = {
  dataPath: { by: 'dataset', when: ['idx', 'csv', 'images'] },
  validFraction: { by: 'dataset', when: ['csv', 'images'] },
  imageSize: { by: 'dataset', when: ['images'] },
  channels: { by: 'dataset', when: ['images'] },
  skipBadFiles: { by: 'dataset', when: ['images'] },
  hidden: { by: 'model', when: ['mlp'] },
  filters: { by: 'model', when: ['cnn'] },
  momentum: { by: 'optimizer', when: ['momentum', 'adam'] },
} satisfies Partial<Record<FieldKey, { by: keyof Hyperparams; when: readonly string[] }>>;

/**
 * Why a run does not use a field: the deciding value ("sgd", "mlp", "mnist-sample"), or null
 * where it uses it. A config without the deciding field (an old or damaged record) uses it.
 */
export function fieldUnusedBy(key: string, config: ConfigLike): string | null {
  const rule = USED_WHEN[key as FieldKey];
  if (!rule) return null;
  const value = config[rule.by];
  if (typeof value !== 'string') return null;
  return rule.when.includes(value) ? null : value;
}
