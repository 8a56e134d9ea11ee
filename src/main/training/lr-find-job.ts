/**
 * runLrFind: the LR finder as a job, like runJob for training: backend, data, model and
 * optimizer from the run config, then a Runner with TrainEval, AvgStats, the Recorder and
 * LRFindCallback (plus abort and telemetry) for as many epochs as its iterations need.
 * Returns the curve, the smoothed curve and fastai's suggestions; the model is thrown away.
 */
import type { Hyperparams } from '../../shared/hyperparams';
import { lrSuggestions, smoothLosses } from '../../shared/lr-suggestions';
import type { LrFindResult, RunSummary } from '../../shared/records';
import { initBackend } from './backend';
import { AbortCallback } from './callbacks/abort';
import { AvgStatsCallback } from './callbacks/avg-stats';
import { LRFindCallback, type LrFindOptions } from './callbacks/lr-find';
import { RecorderCallback } from './callbacks/recorder';
import { TelemetryCallback } from './callbacks/telemetry';
import { TrainEvalCallback } from './callbacks/train-eval';
import { dataInfo } from './data/data-info';
import { loadDataBunch } from './data/load';
import { buildModel, buildOptimizer, type JobOptions, type JobResult } from './job';
import type { Callback } from './loop/callback';
import { Learner } from './loop/learner';
import { Runner } from './loop/runner';
import { crossEntropy } from './loss';
import { accuracy } from './metrics';

export interface LrFindJobResult extends JobResult {
  lrFind: LrFindResult;
}

export async function runLrFind(
  config: Hyperparams,
  options: Pick<JobOptions, 'onStart' | 'onRows' | 'signal' | 'telemetry' | 'data' | 'callbacks'> & { lrFind?: LrFindOptions } = {},
): Promise<LrFindJobResult> {
  const { backend, device } = await initBackend(config.backend);
  const data = await loadDataBunch(config, options.data);
  const model = buildModel(config, data);
  const opt = buildOptimizer(config, model);
  try {
    const finder = new LRFindCallback(options.lrFind);
    const recorder = new RecorderCallback();
    const cbs: Callback[] = [new TrainEvalCallback(), new AvgStatsCallback({ accuracy }), recorder, finder];
    if (options.signal) cbs.push(new AbortCallback(options.signal));
    if (options.onRows) cbs.push(new TelemetryCallback({ sink: options.onRows, ...options.telemetry }));
    cbs.push(...(options.callbacks ?? []));
    const runner = new Runner(cbs);
    const batchesPerEpoch = data.trainDl.length;
    const epochs = Math.ceil(finder.maxIter / Math.max(1, batchesPerEpoch));
    options.onStart?.({
      backend,
      device,
      epochs,
      batchesPerEpoch,
      totalIters: finder.maxIter,
      trainSize: data.trainDl.dataset.length,
      validSize: data.validDl.dataset.length,
      data: dataInfo(data),
    });
    await runner.fit(epochs, new Learner(model, opt, crossEntropy, data));

    const lrs = recorder.lrs.slice(0, recorder.losses.length);
    const losses = recorder.losses;
    const smoothed = smoothLosses(losses);
    const stoppedBy = runner.stopReason === 'user' ? 'user' : (finder.stoppedBy ?? 'max-iter');
    const lrFind: LrFindResult = {
      lrs,
      losses: losses.map(finiteOrNull),
      smoothed: smoothed.map(finiteOrNull),
      suggestions: lrSuggestions(lrs, smoothed),
      stopped_by: stoppedBy,
      min_lr: finder.minLr,
      max_lr: finder.maxLr,
      max_iter: finder.maxIter,
    };
    const summary: RunSummary = {
      epochs: 0,
      iterations: runner.nIter,
      final: null,
      best_valid_accuracy: null,
      best_valid_loss: null,
      best_epoch: null,
      samples_per_second: null,
      stopped_by: runner.stopReason,
    };
    return { status: stoppedBy === 'user' ? 'cancelled' : 'completed', error: null, summary, backend, device, lrFind };
  } finally {
    opt.dispose();
    model.dispose();
  }
}

const finiteOrNull = (v: number): number | null => (Number.isFinite(v) ? v : null);
