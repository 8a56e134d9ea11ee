/**
 * BatchNorm: batch normalization over every axis but the last — BatchNorm1d on [B, C],
 * BatchNorm2d on NHWC [B, H, W, C] (07_batchnorm). In training it normalizes by the batch's
 * mean and (biased) variance and moves the running statistics towards them (PyTorch's
 * momentum 0.1, unbiased variance); in inference it normalizes by the running statistics.
 * gamma and beta are trained; the running statistics are saved with the model but are not
 * trainable, so the optimizer never steps them. Forward saves x̂ and 1/σ for backward.
 */
import * as tf from '@tensorflow/tfjs';
import { variableFrom } from './init';
import type { BackwardInput, Forward, ForwardContext, KerasLayerJson, Layer, LayerGrads, LayerLoader, NamedWeight } from './layer';

export interface BatchNormOptions {
  /** Weight of the batch statistic in each running update (PyTorch's; default 0.1). */
  momentum?: number;
  /** Added to the variance (default 1e-5, PyTorch's). */
  eps?: number;
}

export class BatchNorm implements Layer {
  static readonly className = 'BatchNormalization';
  readonly weights: readonly NamedWeight[];
  readonly momentum: number;
  readonly eps: number;

  constructor(
    readonly name: string,
    readonly gamma: tf.Variable,
    readonly beta: tf.Variable,
    readonly movingMean: tf.Variable,
    readonly movingVariance: tf.Variable,
    opts: BatchNormOptions = {},
  ) {
    const c = gamma.shape[0];
    if ([gamma, beta, movingMean, movingVariance].some((v) => v.rank !== 1 || v.shape[0] !== c)) {
      throw new Error(`${name}: gamma, beta, moving_mean and moving_variance must all be [channels]`);
    }
    this.momentum = opts.momentum ?? 0.1;
    this.eps = opts.eps ?? 1e-5;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new Error(`${name}: momentum must be from 0 to 1, got ${this.momentum}`);
    if (!(this.eps > 0)) throw new Error(`${name}: eps must be above 0, got ${this.eps}`);
    this.weights = [
      { name: `${name}/gamma`, variable: gamma, trainable: true },
      { name: `${name}/beta`, variable: beta, trainable: true },
      { name: `${name}/moving_mean`, variable: movingMean, trainable: false },
      { name: `${name}/moving_variance`, variable: movingVariance, trainable: false },
    ];
  }

  /** gamma 1, beta 0, running mean 0 and variance 1 (PyTorch's start). */
  static create(name: string, channels: number, opts: BatchNormOptions = {}): BatchNorm {
    const v = (value: number, trainable: boolean) => variableFrom(tf.fill([channels], value), trainable);
    return new BatchNorm(name, v(1, true), v(0, true), v(0, false), v(1, false), opts);
  }

  static fromJSON(loader: LayerLoader): BatchNorm {
    const { config: c, fail } = loader;
    const axis = Array.isArray(c.axis) && c.axis.length === 1 ? (c.axis[0] as unknown) : c.axis;
    if (axis !== undefined && axis !== -1) fail('config.axis', 'must be -1 (the channels, last)');
    if (c.center === false || c.scale === false) fail('config.center', 'and config.scale must be true');
    // Keras's momentum is the weight of the running value: 1 − PyTorch's.
    const momentum = c.momentum === undefined ? 0.9 : c.momentum;
    if (typeof momentum !== 'number' || !(momentum >= 0 && momentum <= 1)) fail('config.momentum', 'must be a number from 0 to 1');
    const eps = c.epsilon === undefined ? 1e-3 : c.epsilon;
    if (typeof eps !== 'number' || !(eps > 0)) fail('config.epsilon', 'must be a number above 0');
    const w = (suffix: string, trainable: boolean) => loader.weight(suffix, trainable);
    return new BatchNorm(loader.name, w('gamma', true), w('beta', true), w('moving_mean', false), w('moving_variance', false), {
      momentum: 1 - (momentum as number),
      eps: eps as number,
    });
  }

  get channels(): number {
    return this.gamma.shape[0]!;
  }

  forward(x: tf.Tensor, { training }: ForwardContext): Forward {
    const axes = reducedAxes(x);
    let mean: tf.Tensor = this.movingMean;
    let variance: tf.Tensor = this.movingVariance;
    if (training) {
      ({ mean, variance } = tf.moments(x, axes));
      this.updateRunning(mean, variance, x.size / this.channels);
    }
    const invStd = tf.rsqrt(tf.add(variance, this.eps));
    const xhat = tf.mul(tf.sub(x, mean), invStd);
    return { y: tf.add(tf.mul(xhat, this.gamma), this.beta), saved: [xhat, invStd] };
  }

  /**
   * dβ = Σ dy, dγ = Σ dy·x̂; in training dx = γ/σ · (dy − dβ/n − x̂ · dγ/n) (the batch
   * statistics depend on x), in inference dx = γ/σ · dy.
   */
  backward({ dy, saved, training, inputGrad }: BackwardInput): LayerGrads {
    const [xhat, invStd] = saved as [tf.Tensor, tf.Tensor];
    const axes = reducedAxes(dy);
    const dbeta = tf.sum(dy, axes);
    const dgamma = tf.sum(tf.mul(dy, xhat), axes);
    if (!inputGrad) return { dx: null, grads: [dgamma, dbeta] };
    const scale = tf.mul(this.gamma, invStd);
    if (!training) return { dx: tf.mul(dy, scale), grads: [dgamma, dbeta] };
    const n = dy.size / this.channels;
    const centered = tf.sub(tf.sub(dy, tf.div(dbeta, n)), tf.mul(xhat, tf.div(dgamma, n)));
    return { dx: tf.mul(centered, scale), grads: [dgamma, dbeta] };
  }

  outputShape(inputShape: readonly number[]): number[] {
    if ((inputShape.length !== 1 && inputShape.length !== 3) || inputShape.at(-1) !== this.channels) {
      throw new Error(
        `${this.name}: expects [${this.channels}] or [height, width, ${this.channels}] inputs, got [${inputShape.join(', ')}]`,
      );
    }
    return [...inputShape];
  }

  toJSON(): KerasLayerJson {
    return {
      class_name: 'BatchNormalization',
      config: {
        name: this.name,
        trainable: true,
        dtype: 'float32',
        axis: -1,
        momentum: 1 - this.momentum,
        epsilon: this.eps,
        center: true,
        scale: true,
      },
    };
  }

  /** running ← (1 − m) · running + m · batch, with the batch variance unbiased (n / (n − 1)). */
  private updateRunning(mean: tf.Tensor, variance: tf.Tensor, n: number): void {
    const m = this.momentum;
    const unbiased = n > 1 ? n / (n - 1) : 1;
    tf.tidy(() => {
      this.movingMean.assign(tf.add(tf.mul(this.movingMean, 1 - m), tf.mul(mean, m)));
      this.movingVariance.assign(tf.add(tf.mul(this.movingVariance, 1 - m), tf.mul(variance, m * unbiased)));
    });
  }
}

/** Every axis but the channels (the last). */
function reducedAxes(x: tf.Tensor): number[] {
  return Array.from({ length: x.rank - 1 }, (_, i) => i);
}
