/** The notebook's model: Linear → ReLU for each hidden size, then Linear to the classes. */
import { Dense } from './dense';
import { Model } from './model';

export interface MlpOptions {
  inputs: number;
  /** Hidden layer sizes; the lesson uses [50]. */
  hidden?: readonly number[];
  classes: number;
  seed: number;
}

export function createMlp({ inputs, hidden = [50], classes, seed }: MlpOptions): Model {
  const sizes = [inputs, ...hidden, classes];
  const layers = sizes.slice(1).map((units, i) => {
    const last = i === sizes.length - 2;
    return Dense.create(`dense_${i + 1}`, sizes[i]!, units, last ? 'linear' : 'relu', seed, i);
  });
  return new Model('mlp', [inputs], layers);
}
