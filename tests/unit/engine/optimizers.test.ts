/**
 * Optimizer steps on a 2-parameter toy problem, loss = ½(w1² + 3·w2²) from w = (1, 2), so
 * the gradient is (w1, 3·w2); expected values are worked out by hand (PyTorch's rules).
 */
import * as tf from '@tensorflow/tfjs';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { Adam, Momentum, SGD, type Optimizer } from '../../../src/main/training/optim/optimizers';

beforeAll(async () => {
  await initBackend('cpu');
});

let w: tf.Variable;
afterEach(() => w.dispose());

/**
 * Runs `steps` updates with the true gradient; returns w after each. The optimizer's
 * tensors (state, cached hyperparameter scalars) stay the same in number from step to
 * step, and disposing it frees them all.
 */
async function run(make: (params: tf.Variable[]) => Optimizer, steps: number): Promise<number[][]> {
  w = tf.variable(tf.tensor1d([1, 2]));
  const start = tf.memory().numTensors;
  const opt = make([w]);
  const out: number[][] = [];
  let steady: number | null = null;
  for (let i = 0; i < steps; i++) {
    const g = tf.tidy(() => tf.mul(w, tf.tensor1d([1, 3])));
    opt.step([g]);
    g.dispose();
    out.push(Array.from(await w.data()));
    steady ??= tf.memory().numTensors;
    expect(tf.memory().numTensors).toBe(steady);
  }
  opt.dispose();
  expect(tf.memory().numTensors).toBe(start);
  return out;
}

function expectClose(actual: number[][], expected: number[][]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((row, i) => row.forEach((v, j) => expect(v).toBeCloseTo(expected[i]![j]!, 5)));
}

describe('SGD', () => {
  it('steps p ← p − lr·g', async () => {
    // g = (1, 6) → (0.9, 1.4); g = (0.9, 4.2) → (0.81, 0.98)
    expectClose(await run((p) => new SGD(p, { lr: 0.1 }), 2), [
      [0.9, 1.4],
      [0.81, 0.98],
    ]);
  });

  it('adds weight decay to the gradient: g + wd·p', async () => {
    // g' = (1, 6) + 0.1·(1, 2) = (1.1, 6.2) → (0.89, 1.38)
    expectClose(await run((p) => new SGD(p, { lr: 0.1, weightDecay: 0.1 }), 1), [[0.89, 1.38]]);
  });

  it('uses the lr in hypers at each step (what ParamScheduler sets)', async () => {
    w = tf.variable(tf.tensor1d([1, 2]));
    const opt = new SGD([w], { lr: 0.1 });
    opt.hypers.lr = 0.5;
    const g = tf.tensor1d([1, 1]);
    opt.step([g]);
    g.dispose();
    expect(Array.from(await w.data())).toEqual([0.5, 1.5]);
  });
});

describe('Momentum', () => {
  it('keeps a buffer: buf ← μ·buf + g; p ← p − lr·buf', async () => {
    // buf = (1, 6) → (0.9, 1.4); g = (0.9, 4.2), buf = (1.8, 9.6) → (0.72, 0.44)
    expectClose(await run((p) => new Momentum(p, { lr: 0.1, momentum: 0.9 }), 2), [
      [0.9, 1.4],
      [0.72, 0.44],
    ]);
  });
});

describe('Adam', () => {
  it('applies bias-corrected first and second moments', async () => {
    // Step 1: m̂ = g, v̂ = g², so each weight moves by lr·sign(g) = 0.1.
    // Step 2: m = (0.18, 1.11), v = (0.001809, 0.068454), lr/(1−β1²) = 0.526316, √(1−β2²) = 0.044710.
    expectClose(await run((p) => new Adam(p, { lr: 0.1, momentum: 0.9 }), 2), [
      [0.9, 1.9],
      [0.8004122297, 1.8001664859],
    ]);
  });

  it('exposes its hyperparameters by name', () => {
    w = tf.variable(tf.tensor1d([1, 2]));
    const opt = new Adam([w], { lr: 0.01 });
    expect(opt.hypers).toEqual({ lr: 0.01, momentum: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0 });
    opt.dispose();
  });
});

describe('step checks', () => {
  it('refuses a gradient list that does not match the parameters', () => {
    w = tf.variable(tf.tensor1d([1, 2]));
    const opt = new SGD([w], { lr: 0.1 });
    expect(() => opt.step([])).toThrow('got 0 gradients for 1 parameters');
  });
});
