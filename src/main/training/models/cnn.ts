/**
 * A small CNN for 28×28×1 images, cheap enough for a CPU: conv 8 (3×3, stride 2) → ReLU →
 * conv 16 (3×3, stride 2) → ReLU → flatten (7·7·16 = 784) → dense to the classes (the
 * filter counts can be set: 32 and 64 for a wider one);
 * optionally BatchNorm2d after each conv's ReLU (07_batchnorm's conv_layer) and Dropout
 * before the dense layer.
 */
import { BatchNorm } from './batch-norm';
import { Conv2d } from './conv2d';
import { Dense } from './dense';
import { Dropout } from './dropout';
import { Flatten } from './flatten';
import type { Layer } from './layer';
import { Model } from './model';

export interface CnnOptions {
  /** Per-sample [height, width, channels]; default [28, 28, 1]. */
  inputShape?: readonly [number, number, number];
  classes: number;
  seed: number;
  /** Dropout rate before the dense layer; 0 (default): none. */
  dropout?: number;
  /** BatchNorm2d after each convolution's ReLU (default false). */
  batchNorm?: boolean;
  /** Filters of the two convolutions; default [8, 16] (the small CNN). */
  filters?: readonly [number, number];
}

export function createCnn({
  inputShape = [28, 28, 1],
  classes,
  seed,
  dropout = 0,
  batchNorm = false,
  filters = [8, 16],
}: CnnOptions): Model {
  const [f1, f2] = filters;
  const conv1 = Conv2d.create(
    'conv2d_1',
    { inChannels: inputShape[2], filters: f1, kernelSize: 3, stride: 2, activation: 'relu' },
    seed,
    0,
  );
  const conv2 = Conv2d.create('conv2d_2', { inChannels: f1, filters: f2, kernelSize: 3, stride: 2, activation: 'relu' }, seed, 1);
  const flat = conv2.outputShape(conv1.outputShape(inputShape)).reduce((a, b) => a * b, 1);
  const layers: Layer[] = [];
  [conv1, conv2].forEach((conv, i) => {
    layers.push(conv);
    if (batchNorm) layers.push(BatchNorm.create(`batch_normalization_${i + 1}`, conv.filters));
  });
  layers.push(new Flatten('flatten_1'));
  if (dropout > 0) layers.push(Dropout.create('dropout_1', dropout, seed, 0));
  layers.push(Dense.create('dense_1', flat, classes, 'linear', seed, 2));
  return new Model('cnn', inputShape, layers);
}
