/**
 * No tensor leaks: with every standard callback on, tf.memory().numTensors is the same at
 * every epoch end, for the MLP and the CNN (plain, and with batch norm and dropout), with
 * each optimizer, on wasm and cpu.
 */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { schedCos } from '../../../src/main/training/optim/annealers';
import { initBackend } from '../../../src/main/training/backend';
import { Callback } from '../../../src/main/training/loop/callback';
import { AvgStatsCallback } from '../../../src/main/training/callbacks/avg-stats';
import { ParamSchedulerCallback } from '../../../src/main/training/callbacks/param-scheduler';
import { RecorderCallback } from '../../../src/main/training/callbacks/recorder';
import { TelemetryCallback } from '../../../src/main/training/callbacks/telemetry';
import { TerminateOnNaNCallback } from '../../../src/main/training/callbacks/terminate-on-nan';
import { DataBunch } from '../../../src/main/training/data/data-bunch';
import { DataLoader } from '../../../src/main/training/data/data-loader';
import { Dataset } from '../../../src/main/training/data/dataset';
import { Learner } from '../../../src/main/training/loop/learner';
import { crossEntropy } from '../../../src/main/training/loss';
import { accuracy } from '../../../src/main/training/metrics';
import { createCnn } from '../../../src/main/training/models/cnn';
import { createMlp } from '../../../src/main/training/models/mlp';
import type { Model } from '../../../src/main/training/models/model';
import { Adam, Momentum, SGD, type Optimizer } from '../../../src/main/training/optim/optimizers';
import { Runner } from '../../../src/main/training/loop/runner';
import { toyDataset } from './engine-fixtures';

class TensorCountCallback extends Callback {
  override order = 1000;
  readonly counts: number[] = [];
  override async after_epoch() {
    this.counts.push(tf.memory().numTensors);
  }
}

const OPTIMIZERS: Record<string, (m: Model) => Optimizer> = {
  sgd: (m) => new SGD(m.params, { lr: 0.05, weightDecay: 0.01 }),
  momentum: (m) => new Momentum(m.params, { lr: 0.05, momentum: 0.9 }),
  adam: (m) => new Adam(m.params, { lr: 0.01, weightDecay: 0.01 }),
};

function imageBunch(): DataBunch {
  const flat = (n: number, seed: number) => {
    const d = toyDataset(n, 28 * 28, seed, 10);
    return new Dataset(d.x, d.y, [28, 28, 1]);
  };
  return new DataBunch(
    new DataLoader(flat(8, 1), { batchSize: 4, shuffle: true, seed: 3 }),
    new DataLoader(flat(3, 2), { batchSize: 4, shuffle: false }),
    10,
  );
}

function vectorBunch(): DataBunch {
  return new DataBunch(
    new DataLoader(toyDataset(23, 6, 1), { batchSize: 4, shuffle: true, seed: 3 }),
    new DataLoader(toyDataset(9, 6, 2), { batchSize: 4, shuffle: false }),
    2,
  );
}

describe.each(['wasm', 'cpu'] as const)('on %s', (backend) => {
  it.each([
    ['mlp', 'sgd'],
    ['mlp', 'momentum'],
    ['mlp', 'adam'],
    ['cnn', 'adam'],
    ['mlp with batch norm and dropout', 'momentum'],
    ['cnn with batch norm and dropout', 'sgd'],
    ['mlp read by batched readbacks (the GPU path)', 'adam'],
  ])('%s with %s: numTensors is the same after every epoch and back to the start after disposal', async (kind, optName) => {
    await initBackend(backend);
    const start = tf.memory().numTensors;
    const extras = kind.endsWith('with batch norm and dropout') ? { batchNorm: true, dropout: 0.2 } : {};
    const data = kind.startsWith('mlp') ? vectorBunch() : imageBunch();
    const model = kind.startsWith('mlp')
      ? createMlp({ inputs: 6, hidden: [8, 4], classes: 2, seed: 1, ...extras })
      : createCnn({ classes: 10, seed: 1, ...extras });
    const opt = OPTIMIZERS[optName]!(model);
    const counter = new TensorCountCallback();
    const rows: unknown[] = [];
    const runner = new Runner(
      [
        new AvgStatsCallback({ accuracy }),
        new RecorderCallback(),
        new TerminateOnNaNCallback(),
        new ParamSchedulerCallback('lr', schedCos(opt.hypers.lr!, 0)),
        new TelemetryCallback({ sink: (r) => rows.push(...r), maxRows: 5 }),
        counter,
      ],
      undefined,
      kind.includes('batched readbacks') ? { values: { inPlace: false, every: 3 } } : {},
    );
    await runner.fit(3, new Learner(model, opt, crossEntropy, data));
    expect(counter.counts).toHaveLength(3);
    expect(new Set(counter.counts).size).toBe(1);
    expect(rows.length).toBeGreaterThan(4);
    opt.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
