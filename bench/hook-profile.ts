/**
 * Measurement: what each callback of runJob's default set costs per training step, set
 * against the step itself — where the Runner's time beyond the bare loop goes. The default
 * job runs with a HookTimerCallback added and the trainer process's options (a rows sink,
 * an abort signal). Totals cover the whole fit, warm-up included, for hooks and steps alike;
 * hooks of validation batches and epoch ends are spread over the training steps.
 * Usage: node --import tsx bench/hook-profile.ts '{"epochs":5}'
 */
import { runJob } from '../src/main/training/job';
import { runMeasurement } from './lib/emit';
import { HookTimerCallback } from './lib/hook-timer';
import type { HookProfile } from './lib/hook-profile-result';
import { jobConfig, parseJobOptions } from './lib/job-options';

runMeasurement(async (): Promise<HookProfile> => {
  const opts = parseJobOptions(process.argv[2]);
  const config = jobConfig(opts);
  const timer = new HookTimerCallback();
  const abort = new AbortController();
  // The trainer process's options: rows to a sink, an abort signal (so AbortCallback is there too).
  const result = await runJob(config, { modelDir: null, signal: abort.signal, onRows: () => undefined, callbacks: [timer] });
  const steps = timer.trainSteps;
  const hooks = timer.report().map((c) => ({
    hook: `${c.callback}.${c.event}`,
    calls: c.calls,
    ms_per_step: c.ms / steps,
    us_per_call: (c.ms / c.calls) * 1000,
  }));
  return {
    backend: result.backend,
    device: result.device,
    train_steps: steps,
    step_ms: timer.fitMs / steps,
    hooks,
    hooks_ms_per_step: hooks.reduce((s, h) => s + h.ms_per_step, 0),
  };
});
