/**
 * defaultRunName: a name a person recognises from the config, e.g. 'mlp-50 sgd lr0.5 3ep';
 * uniqueName: that name made unique among the runs already stored ('… 3ep #2'), so two
 * runs never share an automatic name in History, Compare or the Delete dialog.
 */
import { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../../shared/hyperparams';

export function defaultRunName(config: Hyperparams): string {
  // The CNN's filters only when they are not the small CNN's (runs named before the field stay as they were).
  const filters = (config.filters ?? DEFAULT_HYPERPARAMS.filters).join('-');
  const model =
    config.model === 'mlp'
      ? `mlp-${config.hidden.join('-')}`
      : filters === DEFAULT_HYPERPARAMS.filters.join('-')
        ? config.model
        : `cnn-${filters}`;
  const parts = [model];
  if (config.batchNorm === 'on') parts.push('bn');
  if (config.dropout > 0) parts.push(`dropout${config.dropout}`);
  parts.push(config.optimizer, `lr${config.lr}`);
  if (config.schedule !== 'constant') parts.push(config.schedule);
  // What else tells runs of one model apart: their length first, then what differs from the defaults.
  parts.push(`${config.epochs}ep`);
  if (config.batchSize !== DEFAULT_HYPERPARAMS.batchSize) parts.push(`bs${config.batchSize}`);
  if (config.weightDecay > 0) parts.push(`wd${config.weightDecay}`);
  if (config.stopAfter > 0) parts.push(`stop${config.stopAfter}`);
  if (config.seed !== DEFAULT_HYPERPARAMS.seed) parts.push(`seed${config.seed}`);
  if (config.dataset !== 'mnist-sample') parts.push(config.dataset);
  return parts.join(' ');
}

/** `base` if no stored run has it, else `base #2`, `base #3`, … (the first free number). */
export function uniqueName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const candidate = `${base} #${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}
