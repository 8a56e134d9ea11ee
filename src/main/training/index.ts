/**
 * The engine's public API: what a person needs to write callbacks and run the Runner —
 * the loop (Runner, Callback, the cancel exceptions, the event list), what it trains
 * (Learner, DataBunch, DataLoader, Dataset, the models and layers, optimizers, schedules,
 * the loss and metrics), the shipped callbacks, and initBackend. docs/callbacks.md shows
 * how they fit together. Everything else under training/ is internal and may change.
 */
/** TensorFlow.js itself, the instance the engine runs on (a second copy would have its own backends and tensors). */
export * as tf from '@tensorflow/tfjs';
export { RUNNER_EVENTS, type RunnerEvent } from '../../shared/events';
export { DEFAULT_HYPERPARAMS, type Hyperparams } from '../../shared/hyperparams';

export { initBackend, type ActiveBackend, type ResolvedBackend } from './backend';

export { Runner, type RunnerOptions } from './loop/runner';
export { Callback, type CallbackClass } from './loop/callback';
export { CancelBatchException, CancelEpochException, CancelTrainException } from './loop/cancel';
export { Learner, type Batch, type Batches, type LearnerData } from './loop/learner';
export { StepValues, type StepValuesOptions, type UseValues } from './loop/step-values';
export type { Resumable } from './loop/resumable';

export { DataBunch } from './data/data-bunch';
export { DataLoader, type DataLoaderOptions } from './data/data-loader';
export { Dataset } from './data/dataset';
export { loadDataBunch } from './data/load';

export { createMlp, type MlpOptions } from './models/mlp';
export { createCnn, type CnnOptions } from './models/cnn';
export { Model } from './models/model';
export { INFERENCE, TRAINING, type ForwardContext, type Layer, type LayerClass, type NamedWeight } from './models/layer';
export { BatchNorm } from './models/batch-norm';
export { Conv2d } from './models/conv2d';
export { Dense } from './models/dense';
export { Dropout } from './models/dropout';
export { Flatten } from './models/flatten';
export { registerLayer } from './models/layers';
export { saveModel } from './models/save-model';
export { loadModel } from './models/load-model';

export { Adam, Momentum, SGD, type Optimizer } from './optim/optimizers';
export { combineScheds, schedCos, schedExp, schedLin, schedNo, type Sched } from './optim/annealers';
export { crossEntropy, type LossFn } from './loss';
export { accuracy, type MetricFn } from './metrics';

export { AbortCallback } from './callbacks/abort';
export { AvgStatsCallback, type EpochStats, type PassStats } from './callbacks/avg-stats';
export { CheckpointCallback } from './callbacks/checkpoint';
export { EarlyStoppingCallback, type EarlyStoppingOptions } from './callbacks/early-stopping';
export { ParamSchedulerCallback } from './callbacks/param-scheduler';
export { ProgressCallback } from './callbacks/progress';
export { ProgressReportCallback } from './callbacks/progress-report';
export { LRFindCallback, lrFindLr, type LrFindOptions } from './callbacks/lr-find';
export { RecorderCallback } from './callbacks/recorder';
export { StopAfterCallback } from './callbacks/stop-after';
export { TelemetryCallback } from './callbacks/telemetry';
export { TerminateOnNaNCallback } from './callbacks/terminate-on-nan';
export { ThroughputCallback } from './callbacks/throughput';
export { TrainEvalCallback } from './callbacks/train-eval';

export { runJob, type JobOptions, type JobResult } from './job';
