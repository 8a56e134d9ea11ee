/**
 * The callbacks runJob trains with, in one place: what every run gets (train/eval, AvgStats
 * with accuracy, Recorder, Throughput, TerminateOnNaN) and what its config and options add
 * (abort, lr schedule, stop-after, early stopping, telemetry, progress, checkpoints). The
 * benchmark builds the same set to time it against the bare loop.
 */
import type { Hyperparams } from '../../shared/hyperparams';
import type { Callback } from './loop/callback';
import { AbortCallback } from './callbacks/abort';
import { AvgStatsCallback } from './callbacks/avg-stats';
import { CheckpointCallback } from './callbacks/checkpoint';
import { EarlyStoppingCallback } from './callbacks/early-stopping';
import { ParamSchedulerCallback } from './callbacks/param-scheduler';
import { ProgressReportCallback } from './callbacks/progress-report';
import { RecorderCallback } from './callbacks/recorder';
import { ResumeCheckpointCallback } from './callbacks/resume-checkpoint';
import { StopAfterCallback } from './callbacks/stop-after';
import { TelemetryCallback } from './callbacks/telemetry';
import { TerminateOnNaNCallback } from './callbacks/terminate-on-nan';
import { ThroughputCallback } from './callbacks/throughput';
import { TrainEvalCallback } from './callbacks/train-eval';
import type { JobOptions } from './job';
import { LrPlan } from './optim/lr-plan';
import { accuracy } from './metrics';

export interface JobCallbacks {
  /** In the order they were added (the Runner sorts them: order, runAfter / runBefore). */
  all: Callback[];
  /** The ones runJob reads its result from. */
  avgStats: AvgStatsCallback;
  throughput: ThroughputCallback;
  terminateOnNaN: TerminateOnNaNCallback;
  /** The lr over the run (a live edit or a resume reshapes it). */
  plan: LrPlan;
  /** Present when the job keeps resumable checkpoints (options.checkpointDir). */
  checkpoints: ResumeCheckpointCallback | null;
}

export function jobCallbacks(
  config: Hyperparams,
  options: Pick<
    JobOptions,
    'signal' | 'onRows' | 'telemetry' | 'onProgress' | 'modelDir' | 'callbacks' | 'checkpointDir' | 'onCheckpoint' | 'control'
  > = {},
  plan: LrPlan = LrPlan.fresh(config, config.epochs),
): JobCallbacks {
  const avgStats = new AvgStatsCallback({ accuracy });
  const throughput = new ThroughputCallback();
  const terminateOnNaN = new TerminateOnNaNCallback();
  const all: Callback[] = [new TrainEvalCallback(), avgStats, new RecorderCallback(), throughput, terminateOnNaN];
  if (options.signal) all.push(new AbortCallback(options.signal));
  // Always scheduled, constant included: a live edit or a resume may reshape the plan.
  all.push(new ParamSchedulerCallback('lr', (pos) => plan.at(pos * config.epochs)));
  if (config.stopAfter > 0) all.push(new StopAfterCallback(config.stopAfter));
  if (config.patience > 0) all.push(new EarlyStoppingCallback({ patience: config.patience, monitor: 'valid_loss' }));
  if (options.onRows) all.push(new TelemetryCallback({ sink: options.onRows, ...options.telemetry }));
  if (options.onProgress) all.push(new ProgressReportCallback(options.onProgress));
  if (options.modelDir) all.push(new CheckpointCallback(options.modelDir));
  const checkpoints = options.checkpointDir
    ? new ResumeCheckpointCallback({ dir: options.checkpointDir, config, plan, onSaved: options.onCheckpoint })
    : null;
  if (checkpoints) all.push(checkpoints);
  if (options.control) {
    options.control.usePlan(plan);
    all.push(options.control);
  }
  all.push(...(options.callbacks ?? []));
  return { all, avgStats, throughput, terminateOnNaN, plan, checkpoints };
}
