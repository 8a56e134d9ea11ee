/**
 * Measurement: the bare loop (and the same loop on TensorFlow.js's own kernels, Runlab's
 * SIMD kernels switched off), the Runner's loop alone (TrainEvalCallback), the Runner with
 * runJob's callbacks (the trainer process's set), runJob, and runJob through the supervisor
 * and store, taking turns round after round in ONE process — the tightest pairing this
 * shared machine allows. Separate processes running the same loop here differ by up to
 * 1.6× (which core, the heap's layout, a neighbour's burst) and keep that speed for their
 * whole life, while turns back to back in one process see the same machine; so a ratio of
 * turns in one round is the cost of the loop, the callbacks, the supervisor and the store.
 * `epochs` is the number of rounds; the first `warmupEpochs` are not timed. Each turn is
 * timed over a training pass only, from the end of its first step to the end of its last.
 * Usage: node --import tsx bench/interleaved.ts '{"epochs":15,"warmupEpochs":3}'
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LabEvents } from '../src/shared/api';
import type { MetricRow } from '../src/shared/records';
import { RunStore } from '../src/main/runs/store/store';
import { RunSupervisor } from '../src/main/runs/supervisor';
import { initBackend } from '../src/main/training/backend';
import { loadDataBunch } from '../src/main/training/data/load';
import { defaultCacheDir } from '../src/main/training/data/mnist-sample';
import { buildModel, buildOptimizer, runJob } from '../src/main/training/job';
import { jobCallbacks } from '../src/main/training/job-callbacks';
import { Learner } from '../src/main/training/loop/learner';
import { crossEntropy } from '../src/main/training/loss';
import { Runner } from '../src/main/training/loop/runner';
import { CallbackTimeline } from '../src/main/training/loop/callback-timeline';
import { setSimdKernels } from '../src/main/training/kernels/simd/simd-kernels';
import { bareLr, trainStep } from './lib/bare-step';
import { runMeasurement } from './lib/emit';
import { StepClockCallback } from './lib/step-clock';
import { kernelsInUse } from './lib/kernels-in-use';
import { InProcessLauncher } from './lib/in-process-launcher';
import type { InterleavedResult } from './lib/interleaved-result';
import { jobConfig, parseJobOptions } from './lib/job-options';
import { batchSamples, throughput, type Tick } from './lib/stats';

/**
 * The turns of a round: the bare loop, the bare loop on tfjs's kernels (XNNPACK's products;
 * Runlab's SIMD kernels off), the Runner with TrainEval only and the Runner with runJob's callbacks
 * (one epoch each, on the shared model), then whole runs — runJob, and runJob through a
 * real RunSupervisor and RunStore (its trainer session in this process, see
 * in-process-launcher.ts).
 */
const TURNS = ['bare', 'bare_ops', 'core', 'runner', 'timed', 'runjob', 'supervised'] as const;
type Turn = (typeof TURNS)[number];

runMeasurement(async (): Promise<InterleavedResult> => {
  const opts = parseJobOptions(process.argv[2]);
  if (opts.budgetMs !== null) throw new Error('bench options: interleaved runs whole epochs; budgetMs must be null');
  const config = jobConfig(opts);
  const active = await initBackend(config.backend);
  const data = await loadDataBunch(config);
  const model = buildModel(config, data);
  const opt = buildOptimizer(config, model);
  const lr = bareLr(config.lr);
  const abort = new AbortController();
  // A callback belongs to one Runner (it keeps `runner`): each gets its own clock.
  const runnerClock = new StepClockCallback();
  const coreClock = new StepClockCallback();
  const runner = new Runner([...jobCallbacks(config, { signal: abort.signal, onRows: () => undefined }).all, runnerClock]);
  const core = new Runner([coreClock]);
  // The same callbacks with the callback timeline on (what every supervised run has): its cost.
  const timedClock = new StepClockCallback();
  const timeline = new CallbackTimeline();
  const timed = new Runner([...jobCallbacks(config, { signal: abort.signal, onRows: () => undefined }).all, timedClock], undefined, {
    timeline,
  });
  const learner = new Learner(model, opt, crossEntropy, data);
  const { length: trainSize } = data.trainDs;

  const bareEpoch = (): number | null => {
    const ticks: Tick[] = [];
    let index = 0;
    for (const { xb, yb } of data.trainDl) {
      const loss = trainStep(model, xb, yb, lr);
      loss.dispose();
      xb.dispose();
      yb.dispose();
      ticks.push({ t: performance.now(), samples: batchSamples(index++, trainSize, config.batchSize) });
    }
    return throughput(ticks);
  };
  const runnerEpoch = (which: Runner, clock: StepClockCallback) => async (): Promise<number | null> => {
    await which.fit(1, learner);
    return throughput(clock.epochTicks);
  };
  // A whole run's first epoch in a warm process is a few per cent slower than the next
  // (measured: 0.90 of the bare loop against 0.97 for its second): runs train two epochs
  // and the second is timed, from the rows' `t` (ms on the trainer's own clock).
  const secondEpoch = () => {
    const ticks: Tick[] = [];
    let index = 0;
    const take = (rows: readonly MetricRow[]) => {
      for (const row of rows) {
        if (row.kind === 'iter' && row.iter > data.trainDl.length)
          ticks.push({ t: row.t, samples: batchSamples(index++, trainSize, config.batchSize) });
      }
    };
    return { take, sps: () => throughput(ticks) };
  };
  const runConfig = { ...config, epochs: 2 };
  const home = await mkdtemp(join(tmpdir(), 'runlab-bench-interleaved-'));
  const supervisor = new RunSupervisor(new RunStore(home), new InProcessLauncher(), { cacheDir: defaultCacheDir() });
  const supervisedRun = async (): Promise<number | null> => {
    const timed = secondEpoch();
    const unsubscribe = supervisor.subscribe((event, payload) => {
      if (event === 'run:metrics') timed.take((payload as LabEvents['run:metrics']).rows);
    });
    try {
      const run = await supervisor.start(runConfig, { name: 'bench' });
      const record = await supervisor.whenSettled(run.id);
      if (record.status !== 'completed') throw new Error(`supervised run ended ${record.status}: ${record.error ?? 'no error given'}`);
    } finally {
      unsubscribe();
    }
    return timed.sps();
  };
  const runJobRun = async (): Promise<number | null> => {
    const timed = secondEpoch();
    const result = await runJob(runConfig, { data: { cacheDir: defaultCacheDir() }, signal: abort.signal, onRows: timed.take });
    if (result.status !== 'completed') throw new Error(`runJob ended ${result.status}: ${result.error ?? 'no error given'}`);
    return timed.sps();
  };
  const opsEpoch = (): number | null => {
    const previous = setSimdKernels(false);
    try {
      return bareEpoch();
    } finally {
      setSimdKernels(previous);
    }
  };
  const turns: Record<Turn, () => Promise<number | null>> = {
    bare: async () => bareEpoch(),
    bare_ops: async () => opsEpoch(),
    core: runnerEpoch(core, coreClock),
    runner: runnerEpoch(runner, runnerClock),
    timed: runnerEpoch(timed, timedClock),
    runjob: runJobRun,
    supervised: supervisedRun,
  };

  const sps: Record<Turn, (number | null)[]> = { bare: [], bare_ops: [], core: [], runner: [], timed: [], runjob: [], supervised: [] };
  try {
    for (let round = 0; round < opts.epochs; round++) {
      // Rotate who goes first, so none always follows another's validation pass.
      const order = TURNS.map((_, i) => TURNS[(i + round) % TURNS.length]!);
      const got: Partial<Record<Turn, number | null>> = {};
      for (const turn of order) got[turn] = await turns[turn]();
      if (round < opts.warmupEpochs) continue;
      for (const turn of TURNS) sps[turn].push(got[turn] ?? null);
    }
  } finally {
    await supervisor.close();
    await rm(home, { recursive: true, force: true });
    lr.scalar.dispose();
    opt.dispose();
    model.dispose();
  }
  return {
    kind: 'interleaved',
    timed_sps_per_round: sps.timed,
    timeline_cost: timelineCost(timeline),
    backend: active.backend,
    device: active.device,
    rounds: sps.bare.length,
    kernels: kernelsInUse(),
    bare_sps_per_round: sps.bare,
    bare_ops_sps_per_round: sps.bare_ops,
    core_sps_per_round: sps.core,
    runner_sps_per_round: sps.runner,
    runjob_sps_per_round: sps.runjob,
    supervised_sps_per_round: sps.supervised,
  };
});

/**
 * What the timeline costs per training step, measured directly (the paired ratio above is
 * within this machine's noise): the hook calls a step makes, times the cost of one timed
 * call's bookkeeping (a clock read and a record) taken in a tight loop, over the sampling
 * interval (a step's hooks are timed in one batch of every `sampleEvery`), plus the two
 * clock reads every step's own time takes — over the step time.
 */
function timelineCost(timeline: CallbackTimeline): InterleavedResult['timeline_cost'] {
  const snap = timeline.snapshot();
  if (snap.steps === 0) return null;
  const inStep = new Set(['begin_batch', 'after_pred', 'after_loss', 'after_backward', 'after_step', 'after_batch']);
  const callsPerStep = snap.hooks.filter((h) => inStep.has(h.event)).reduce((n, h) => n + h.calls, 0) / snap.steps;
  const probe = new CallbackTimeline();
  const cb = { constructor: { name: 'ProbeCallback' } } as unknown as Parameters<CallbackTimeline['record']>[0];
  const n = 200_000;
  let t0 = probe.now();
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    const t1 = probe.now();
    probe.record(cb, 'after_batch', t1 - t0);
    t0 = t1;
  }
  const nsPerCall = ((performance.now() - start) / n) * 1e6;
  const overheadMs = (callsPerStep * nsPerCall) / timeline.sampleEvery / 1e6 + (2 * nsPerCall) / 1e6;
  return {
    hook_calls_per_step: callsPerStep,
    ns_per_call: nsPerCall,
    step_p50_ms: snap.step_p50_ms,
    overhead: overheadMs / snap.step_p50_ms,
  };
}
