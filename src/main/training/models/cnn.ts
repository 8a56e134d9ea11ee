/**
 * A small CNN for 28×28×1 images, cheap enough for a CPU: conv 8 (3×3, stride 2) → ReLU →
 * conv 16 (3×3, stride 2) → ReLU → flatten (7·7·16 = 784) → dense to the classes.
 */
import { Conv2d } from './conv2d';
import { Dense } from './dense';
import { Flatten } from './flatten';
import { Model } from './model';

export interface CnnOptions {
  /** Per-sample [height, width, channels]; default [28, 28, 1]. */
  inputShape?: readonly [number, number, number];
  classes: number;
  seed: number;
}

export function createCnn({ inputShape = [28, 28, 1], classes, seed }: CnnOptions): Model {
  const conv1 = Conv2d.create('conv2d_1', { inChannels: inputShape[2], filters: 8, kernelSize: 3, stride: 2, activation: 'relu' }, seed, 0);
  const conv2 = Conv2d.create('conv2d_2', { inChannels: 8, filters: 16, kernelSize: 3, stride: 2, activation: 'relu' }, seed, 1);
  const flat = conv2.outputShape(conv1.outputShape(inputShape)).reduce((a, b) => a * b, 1);
  const dense = Dense.create('dense_1', flat, classes, 'linear', seed, 2);
  return new Model('cnn', inputShape, [conv1, conv2, new Flatten('flatten_1'), dense]);
}
