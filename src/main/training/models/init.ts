/**
 * Seeded weight init, PyTorch's default for nn.Linear and nn.Conv2d: kaiming_uniform with
 * a = √5 for weights and the same bound for biases, i.e. U(−1/√fan_in, 1/√fan_in). Values
 * come from the project's mulberry32 stream in plain JS, so a seed gives the same weights
 * on every backend (and a PyTorch script can reproduce them).
 */
import * as tf from '@tensorflow/tfjs';
import { createRng, deriveSeed } from '../random';

/** Keeps the init stream apart from shuffles drawn from the same run seed. */
const INIT_STREAM = 0x1a17;

/** A trainable variable of `shape` drawn from stream `index` of `seed`. */
export function uniformInit(shape: number[], fanIn: number, seed: number, index: number): tf.Variable {
  const bound = 1 / Math.sqrt(fanIn);
  const rng = createRng(deriveSeed(seed, INIT_STREAM, index));
  const values = new Float32Array(shape.reduce((a, b) => a * b, 1));
  for (let i = 0; i < values.length; i++) values[i] = (2 * rng() - 1) * bound;
  return variableFrom(tf.tensor(values, shape, 'float32'));
}

/** Turns a tensor into a variable (trainable unless told), releasing the tensor. */
export function variableFrom(t: tf.Tensor, trainable = true): tf.Variable {
  const v = tf.variable(t, trainable);
  t.dispose();
  return v;
}
