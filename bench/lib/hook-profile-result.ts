/** What bench/hook-profile.ts reports: each callback hook's cost per training step. */
export interface HookProfile {
  backend: string;
  device: string;
  train_steps: number;
  /** The whole fit's ms (validation and hooks included) per training step. */
  step_ms: number;
  /** Every callback hook, ms per training step (validation and epoch-end hooks spread over the steps). */
  hooks: { hook: string; calls: number; ms_per_step: number; us_per_call: number }[];
  hooks_ms_per_step: number;
}
