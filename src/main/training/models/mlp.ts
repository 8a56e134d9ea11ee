/**
 * The notebook's model: Linear → ReLU for each hidden size, then Linear to the classes;
 * optionally each hidden block followed by BatchNorm1d (07_batchnorm's order: after the
 * ReLU) and Dropout.
 */
import { BatchNorm } from './batch-norm';
import { Dense } from './dense';
import { Dropout } from './dropout';
import type { Layer } from './layer';
import { Model } from './model';

export interface MlpOptions {
  inputs: number;
  /** Hidden layer sizes; the lesson uses [50]. */
  hidden?: readonly number[];
  classes: number;
  seed: number;
  /** Dropout rate after each hidden block; 0 (default): no dropout layers. */
  dropout?: number;
  /** BatchNorm1d after each hidden ReLU (default false). */
  batchNorm?: boolean;
}

export function createMlp({ inputs, hidden = [50], classes, seed, dropout = 0, batchNorm = false }: MlpOptions): Model {
  const sizes = [inputs, ...hidden, classes];
  const layers: Layer[] = [];
  sizes.slice(1).forEach((units, i) => {
    const last = i === sizes.length - 2;
    layers.push(Dense.create(`dense_${i + 1}`, sizes[i]!, units, last ? 'linear' : 'relu', seed, i));
    if (last) return;
    if (batchNorm) layers.push(BatchNorm.create(`batch_normalization_${i + 1}`, units));
    if (dropout > 0) layers.push(Dropout.create(`dropout_${i + 1}`, dropout, seed, i));
  });
  return new Model('mlp', [inputs], layers);
}
