/**
 * Dropout: in training, zeroes each value with probability `rate` and scales the others by
 * 1 / (1 − rate) (inverted dropout, as PyTorch and Keras); in inference, the identity. The
 * mask is drawn in plain JS from (the layer's seed, its draw count), so a seed gives the
 * same masks on every backend, and forward saves it for backward: dx = dy · mask.
 */
import * as tf from '@tensorflow/tfjs';
import { filledTensor } from '../kernels/host-memory';
import { createRng, deriveSeed } from '../random';
import {
  NOTHING_SAVED,
  type BackwardInput,
  type Forward,
  type ForwardContext,
  type KerasLayerJson,
  type Layer,
  type LayerGrads,
  type LayerLoader,
  type NamedWeight,
} from './layer';

/** Keeps dropout streams apart from the init and shuffle streams of the same run seed. */
const DROPOUT_STREAM = 0xd209;

export class Dropout implements Layer {
  static readonly className = 'Dropout';
  readonly weights: readonly NamedWeight[] = [];
  /** Masks drawn so far; the next forward in training draws mask number `draws` of this layer's stream. */
  draws = 0;

  constructor(
    readonly name: string,
    readonly rate: number,
    /** The layer's own stream (saved as the Keras config's `seed`). */
    readonly seed: number,
  ) {
    if (!(rate >= 0 && rate < 1)) throw new Error(`${name}: rate must be at least 0 and below 1, got ${rate}`);
    if (!Number.isInteger(seed) || seed < 0) throw new Error(`${name}: seed must be a whole number ≥ 0, got ${seed}`);
  }

  /** The layer at position `index` of a model built from the run's `seed`. */
  static create(name: string, rate: number, seed: number, index: number): Dropout {
    return new Dropout(name, rate, deriveSeed(seed, DROPOUT_STREAM, index));
  }

  static fromJSON({ name, config, fail }: LayerLoader): Dropout {
    const { rate, seed } = config;
    if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) fail('config.rate', 'must be a number from 0 to below 1');
    if (typeof seed !== 'number' || !Number.isInteger(seed) || seed < 0) fail('config.seed', 'must be a whole number ≥ 0');
    if (config.noise_shape !== undefined && config.noise_shape !== null) fail('config.noise_shape', 'must be null');
    return new Dropout(name, rate as number, seed as number);
  }

  forward(x: tf.Tensor, { training }: ForwardContext): Forward {
    if (!training || this.rate === 0) return { y: x, saved: NOTHING_SAVED };
    const rng = createRng(deriveSeed(this.seed, this.draws++));
    const keep = 1 / (1 - this.rate);
    const mask = filledTensor(x.shape, 'float32', (m) => {
      for (let i = 0; i < m.length; i++) m[i] = rng() < this.rate ? 0 : keep;
    });
    return { y: tf.mul(x, mask), saved: [mask] };
  }

  backward({ dy, saved, inputGrad }: BackwardInput): LayerGrads {
    if (!inputGrad) return { dx: null, grads: [] };
    const [mask] = saved;
    return { dx: mask === undefined ? dy : tf.mul(dy, mask), grads: [] };
  }

  outputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  /** The stream position: mask number `draws` comes next. */
  state(): Record<string, number> {
    return { draws: this.draws };
  }

  loadState(state: Record<string, number>): void {
    const draws = state.draws;
    if (draws === undefined || !Number.isInteger(draws) || draws < 0)
      throw new Error(`${this.name}: state.draws must be a whole number ≥ 0`);
    this.draws = draws;
  }

  toJSON(): KerasLayerJson {
    return {
      class_name: 'Dropout',
      config: { name: this.name, trainable: true, dtype: 'float32', rate: this.rate, noise_shape: null, seed: this.seed },
    };
  }
}
