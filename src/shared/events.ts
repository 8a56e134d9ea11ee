/**
 * The Runner's events, in the order fastai's 04_callbacks notebook fires them.
 * One const list; the union type is derived, so a misspelt hook is a compile error.
 */
export const RUNNER_EVENTS = [
  'begin_fit',
  'begin_epoch',
  'begin_batch',
  'after_pred',
  'after_loss',
  'after_backward',
  'after_step',
  'after_cancel_batch',
  'after_batch',
  'begin_validate',
  'after_cancel_epoch',
  'after_epoch',
  'after_cancel_train',
  'after_fit',
] as const;

export type RunnerEvent = (typeof RUNNER_EVENTS)[number];
