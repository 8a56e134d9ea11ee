/**
 * The layer registry: each layer class by its Keras class name, so loadModel builds a saved
 * model's layers back. Registering a new layer is its one line in BUILT_IN (or a
 * registerLayer call from code that defines one).
 */
import { BatchNorm } from './batch-norm';
import { Conv2d } from './conv2d';
import { Dense } from './dense';
import { Dropout } from './dropout';
import { Flatten } from './flatten';
import type { LayerClass } from './layer';

const BUILT_IN: readonly LayerClass[] = [Dense, Conv2d, Flatten, Dropout, BatchNorm];

const registry = new Map<string, LayerClass>();

/** Makes `cls` loadable by its class name; a second class under the same name is an error. */
export function registerLayer(cls: LayerClass): void {
  const known = registry.get(cls.className);
  if (known !== undefined && known !== cls) throw new Error(`a layer class named "${cls.className}" is already registered`);
  registry.set(cls.className, cls);
}

for (const cls of BUILT_IN) registerLayer(cls);

/** The class registered under `className`, if any. */
export function layerClass(className: string): LayerClass | undefined {
  return registry.get(className);
}

/** Every registered class name, in registration order. */
export function layerClassNames(): string[] {
  return [...registry.keys()];
}
