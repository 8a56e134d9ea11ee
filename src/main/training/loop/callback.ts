/**
 * Callback: the base of everything that hooks into the Runner (fastai 04_callbacks). One
 * async no-op hook per RunnerEvent; subclasses override only what they use and read state
 * as `this.runner.x`. Where order matters a callback says so: `runAfter` / `runBefore`
 * (fastai's run_after / run_before) name the classes it must follow or precede; `order`
 * (lower first, ties in insertion order) places it otherwise; `needs` names the callbacks it
 * reads from, which the Runner checks before it fits.
 */
import type { RunnerEvent } from '../../../shared/events';
import { camelToSnake } from './camel-to-snake';
import type { Runner } from './runner';

export type CallbackHooks = { [E in RunnerEvent]: () => Promise<void> };

/** A callback class, as `runner.get`, `runAfter`, `runBefore` and `needs` take it. */
export type CallbackClass<T extends Callback = Callback> = abstract new (...args: never[]) => T;

const NAMES = new WeakMap<object, string>();

/** A class's name as written (a bundler that renames a clashing class appends `$1`). */
export function className(type: { name: string }): string {
  return type.name.replace(/\$\d+$/, '');
}

export abstract class Callback implements CallbackHooks {
  order = 0;
  /** Runs after the callbacks of these classes on the same Runner, whatever the orders. */
  readonly runAfter: readonly CallbackClass[] = [];
  /** Runs before the callbacks of these classes on the same Runner, whatever the orders. */
  readonly runBefore: readonly CallbackClass[] = [];
  /** Classes this one reads from: the Runner refuses to fit without one of each. */
  readonly needs: readonly CallbackClass[] = [];
  private attached: Runner | null = null;

  /** The Runner this callback belongs to; set by the Runner when it is added. */
  get runner(): Runner {
    if (this.attached === null) throw new Error(`${className(this.constructor)} is not attached to a Runner`);
    return this.attached;
  }

  set runner(runner: Runner) {
    this.attached = runner;
  }

  /** fastai's name: `AvgStatsCallback` → `avg_stats` (for messages and logs; callbacks find each other by class, `runner.get`). */
  get name(): string {
    let name = NAMES.get(this.constructor);
    if (name === undefined) {
      name = camelToSnake(className(this.constructor).replace(/Callback$/, '') || 'callback');
      NAMES.set(this.constructor, name);
    }
    return name;
  }

  /** True when this callback overrides the hook, so the Runner skips calling no-ops. */
  handles(event: RunnerEvent): boolean {
    return this[event] !== Callback.prototype[event];
  }

  async begin_fit(): Promise<void> {}
  async begin_epoch(): Promise<void> {}
  async begin_batch(): Promise<void> {}
  async after_pred(): Promise<void> {}
  async after_loss(): Promise<void> {}
  async after_backward(): Promise<void> {}
  async after_step(): Promise<void> {}
  async after_cancel_batch(): Promise<void> {}
  async after_batch(): Promise<void> {}
  async begin_validate(): Promise<void> {}
  async after_cancel_epoch(): Promise<void> {}
  async after_epoch(): Promise<void> {}
  async after_cancel_train(): Promise<void> {}
  async after_fit(): Promise<void> {}
}
