/**
 * Optimizers on plain tf ops, PyTorch's update rules (so a PyTorch run of the same job is
 * comparable step for step). Hyperparameters live in `hypers` and are read at every step,
 * so ParamSchedulerCallback can set them between steps. Weight decay is L2: `wd · p` is
 * added to the gradient, as PyTorch's `weight_decay` does for SGD and Adam. Hyperparameter
 * values reach the device as cached scalars (HyperScalars): a step uploads only the values
 * that changed since the last one.
 */
import * as tf from '@tensorflow/tfjs';
import { HyperScalars } from './hyper-scalars';
import { simdSgdUpdate } from '../kernels/sgd-step';

export type Hypers = Record<string, number>;

/** What a checkpoint keeps of an optimizer besides its hyperparameters: steps taken and its slot tensors. */
export interface OptimizerState {
  /** Steps taken (Adam's bias correction counts them). */
  step: number;
  /** Slot tensors by name (momentum's `buf`, Adam's `m` and `v`), each aligned with `params`. */
  slots: Record<string, readonly tf.Tensor[]>;
}

export interface Optimizer {
  /** Which rule it is, as the run config names it. */
  readonly kind: 'sgd' | 'momentum' | 'adam';
  readonly params: readonly tf.Variable[];
  /** Current hyperparameters by name (`lr` always); the next step uses whatever is here. */
  readonly hypers: Hypers;
  /** One update from gradients aligned with `params`; the caller still owns `grads`. */
  step(grads: readonly tf.Tensor[]): void;
  /** Its state, for a checkpoint: the tensors stay the optimizer's (read them, do not dispose them). */
  state(): OptimizerState;
  /** Takes copies of a saved state's tensors (shapes and slot names checked); the caller keeps its own. */
  loadState(state: OptimizerState): void;
  /** Frees the optimizer's state tensors (momentum buffers). */
  dispose(): void;
}

/** Copies of `state.slots[name]` for `params`, each checked against its parameter's shape before any is copied. */
function loadSlots(kind: string, params: readonly tf.Variable[], state: OptimizerState, names: readonly string[]): tf.Tensor[][] {
  const got = Object.keys(state.slots).sort().join(', ');
  if (got !== [...names].sort().join(', ')) throw new Error(`${kind} optimizer state: expected slots [${names.join(', ')}], got [${got}]`);
  for (const name of names) {
    const slot = state.slots[name]!;
    if (slot.length !== params.length)
      throw new Error(`${kind} optimizer state: slot ${name} has ${slot.length} tensors for ${params.length} weights`);
    slot.forEach((t, i) => {
      const shape = params[i]!.shape;
      if (t.shape.join('x') !== shape.join('x')) {
        throw new Error(`${kind} optimizer state: slot ${name}[${i}] is [${t.shape.join(', ')}], its weight is [${shape.join(', ')}]`);
      }
    });
  }
  return names.map((name) => state.slots[name]!.map((t) => tf.keep(t.clone())));
}

function replaceAll(target: tf.Tensor[], next: tf.Tensor[]): void {
  for (const t of target) t.dispose();
  target.splice(0, target.length, ...next);
}

export interface SgdOptions {
  lr: number;
  weightDecay?: number;
}
export interface MomentumOptions extends SgdOptions {
  momentum?: number;
}
export interface AdamOptions extends SgdOptions {
  /** beta1. */
  momentum?: number;
  beta2?: number;
  eps?: number;
}

function checkGrads(params: readonly tf.Variable[], grads: readonly tf.Tensor[]): void {
  if (grads.length !== params.length) {
    throw new Error(`optimizer step: got ${grads.length} gradients for ${params.length} parameters`);
  }
}

function withDecay(g: tf.Tensor, p: tf.Tensor, wd: number, scalars: HyperScalars): tf.Tensor {
  return wd === 0 ? g : tf.add(g, tf.mul(p, scalars.get('weightDecay', wd)));
}

/** Replaces each state tensor with its successor, keeping the new ones past the tidy. */
function swapState(state: tf.Tensor[], next: tf.Tensor[]): void {
  for (let i = 0; i < state.length; i++) {
    state[i]!.dispose();
    state[i] = tf.keep(next[i]!);
  }
}

/** p ← p − lr · (g + wd · p); on wasm one SIMD kernel per parameter, in place where it can be (kernels/sgd-step.ts). */
export class SGD implements Optimizer {
  readonly kind = 'sgd';
  readonly hypers: Hypers;
  private steps = 0;
  private readonly scalars = new HyperScalars();

  constructor(
    readonly params: readonly tf.Variable[],
    opts: SgdOptions,
  ) {
    this.hypers = { lr: opts.lr, weightDecay: opts.weightDecay ?? 0 };
  }

  step(grads: readonly tf.Tensor[]): void {
    checkGrads(this.params, grads);
    const { lr, weightDecay } = this.hypers as { lr: number; weightDecay: number };
    const s = this.scalars;
    this.steps++;
    tf.tidy(() => {
      this.params.forEach((p, i) => {
        const g = grads[i]!;
        if (!simdSgdUpdate(p, g, lr, weightDecay)) p.assign(tf.sub(p, tf.mul(withDecay(g, p, weightDecay, s), s.get('lr', lr))));
      });
    });
  }

  state(): OptimizerState {
    return { step: this.steps, slots: {} };
  }

  loadState(state: OptimizerState): void {
    loadSlots('sgd', this.params, state, []);
    this.steps = state.step;
  }

  dispose(): void {
    this.scalars.dispose();
  }
}

/** PyTorch's SGD with momentum (no dampening): buf ← μ · buf + g; p ← p − lr · buf. */
export class Momentum implements Optimizer {
  readonly kind = 'momentum';
  readonly hypers: Hypers;
  private bufs: tf.Tensor[];
  private steps = 0;
  private readonly scalars = new HyperScalars();

  constructor(
    readonly params: readonly tf.Variable[],
    opts: MomentumOptions,
  ) {
    this.hypers = { lr: opts.lr, momentum: opts.momentum ?? 0.9, weightDecay: opts.weightDecay ?? 0 };
    this.bufs = params.map((p) => tf.zerosLike(p));
  }

  step(grads: readonly tf.Tensor[]): void {
    checkGrads(this.params, grads);
    const { lr, momentum, weightDecay } = this.hypers as { lr: number; momentum: number; weightDecay: number };
    const s = this.scalars;
    this.steps++;
    tf.tidy(() => {
      const [lrT, momentumT] = [s.get('lr', lr), s.get('momentum', momentum)];
      const next = this.params.map((p, i) => {
        const buf = tf.add(tf.mul(this.bufs[i]!, momentumT), withDecay(grads[i]!, p, weightDecay, s));
        p.assign(tf.sub(p, tf.mul(buf, lrT)));
        return buf;
      });
      swapState(this.bufs, next);
    });
  }

  state(): OptimizerState {
    return { step: this.steps, slots: { buf: this.bufs } };
  }

  loadState(state: OptimizerState): void {
    const [bufs] = loadSlots('momentum', this.params, state, ['buf']);
    replaceAll(this.bufs, bufs!);
    this.steps = state.step;
  }

  dispose(): void {
    for (const b of this.bufs) b.dispose();
    this.scalars.dispose();
  }
}

/**
 * PyTorch's Adam: m ← β1·m + (1−β1)·g; v ← β2·v + (1−β2)·g²;
 * p ← p − (lr / (1−β1ᵗ)) · m / (√v / √(1−β2ᵗ) + eps). Defaults β2 = 0.999, eps = 1e-8.
 */
export class Adam implements Optimizer {
  readonly kind = 'adam';
  readonly hypers: Hypers;
  private t = 0;
  private ms: tf.Tensor[];
  private vs: tf.Tensor[];
  private readonly scalars = new HyperScalars();

  constructor(
    readonly params: readonly tf.Variable[],
    opts: AdamOptions,
  ) {
    this.hypers = {
      lr: opts.lr,
      momentum: opts.momentum ?? 0.9,
      beta2: opts.beta2 ?? 0.999,
      eps: opts.eps ?? 1e-8,
      weightDecay: opts.weightDecay ?? 0,
    };
    this.ms = params.map((p) => tf.zerosLike(p));
    this.vs = params.map((p) => tf.zerosLike(p));
  }

  step(grads: readonly tf.Tensor[]): void {
    checkGrads(this.params, grads);
    const {
      lr,
      momentum: beta1,
      beta2,
      eps,
      weightDecay,
    } = this.hypers as Record<'lr' | 'momentum' | 'beta2' | 'eps' | 'weightDecay', number>;
    this.t++;
    const stepSize = lr / (1 - beta1 ** this.t);
    const sqrtBias2 = Math.sqrt(1 - beta2 ** this.t);
    const s = this.scalars;
    tf.tidy(() => {
      const [b1, b2] = [s.get('beta1', beta1), s.get('beta2', beta2)];
      const [c1, c2] = [s.get('1-beta1', 1 - beta1), s.get('1-beta2', 1 - beta2)];
      const [bias2T, epsT, stepT] = [s.get('sqrtBias2', sqrtBias2), s.get('eps', eps), s.get('stepSize', stepSize)];
      const nextM: tf.Tensor[] = [];
      const nextV: tf.Tensor[] = [];
      this.params.forEach((p, i) => {
        const g = withDecay(grads[i]!, p, weightDecay, s);
        const m = tf.add(tf.mul(this.ms[i]!, b1), tf.mul(g, c1));
        const v = tf.add(tf.mul(this.vs[i]!, b2), tf.mul(tf.square(g), c2));
        const denom = tf.add(tf.div(tf.sqrt(v), bias2T), epsT);
        p.assign(tf.sub(p, tf.mul(tf.div(m, denom), stepT)));
        nextM.push(m);
        nextV.push(v);
      });
      swapState(this.ms, nextM);
      swapState(this.vs, nextV);
    });
  }

  state(): OptimizerState {
    return { step: this.t, slots: { m: this.ms, v: this.vs } };
  }

  loadState(state: OptimizerState): void {
    const [ms, vs] = loadSlots('adam', this.params, state, ['m', 'v']);
    replaceAll(this.ms, ms!);
    replaceAll(this.vs, vs!);
    this.t = state.step;
  }

  dispose(): void {
    for (const t of [...this.ms, ...this.vs]) t.dispose();
    this.scalars.dispose();
  }
}
