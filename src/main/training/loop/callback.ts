/**
 * Callback: the base of everything that hooks into the Runner (fastai 04_callbacks). One
 * async no-op hook per RunnerEvent; subclasses override only what they use, set `order`
 * (lower runs first, ties keep insertion order) and read state as `this.runner.x`.
 */
import type { RunnerEvent } from '../../../shared/events';
import { camelToSnake } from './camel-to-snake';
import type { Runner } from './runner';

export type CallbackHooks = { [E in RunnerEvent]: () => Promise<void> };

const NAMES = new WeakMap<object, string>();

export abstract class Callback implements CallbackHooks {
  order = 0;
  private attached: Runner | null = null;

  /** The Runner this callback belongs to; set by the Runner when it is added. */
  get runner(): Runner {
    if (this.attached === null) throw new Error(`${this.constructor.name} is not attached to a Runner`);
    return this.attached;
  }

  set runner(runner: Runner) {
    this.attached = runner;
  }

  /** `AvgStatsCallback` → `avg_stats`: the key `runner.cb(name)` finds it by. */
  get name(): string {
    // Worked out once per class: callbacks look each other up by name on every batch.
    let name = NAMES.get(this.constructor);
    if (name === undefined) {
      // A bundler that renames a clashing class appends `$1`: the name stays the same.
      const className = this.constructor.name.replace(/\$\d+$/, '');
      name = camelToSnake(className.replace(/Callback$/, '') || 'callback');
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
