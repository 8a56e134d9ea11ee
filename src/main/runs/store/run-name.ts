/** defaultRunName: a name a person recognises from the config, e.g. 'mlp-50 sgd lr0.5'. */
import type { Hyperparams } from '../../../shared/hyperparams';

export function defaultRunName(config: Hyperparams): string {
  const model = config.model === 'mlp' ? `mlp-${config.hidden.join('-')}` : config.model;
  const parts = [model];
  if (config.batchNorm === 'on') parts.push('bn');
  if (config.dropout > 0) parts.push(`dropout${config.dropout}`);
  parts.push(config.optimizer, `lr${config.lr}`);
  if (config.schedule !== 'constant') parts.push(config.schedule);
  if (config.dataset !== 'mnist-sample') parts.push(config.dataset);
  return parts.join(' ');
}
