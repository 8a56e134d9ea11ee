/**
 * docs/callbacks.md's examples are real: the code on the page is the code in docs/examples/,
 * and each example does what the page says — through the Runner here, and through
 * `runlab train --callback` in tests/integration/cli-callback.test.ts.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_HYPERPARAMS } from '../../../src/shared/hyperparams';
import { initBackend } from '../../../src/main/training/backend';
import { loadCallbackModule } from '../../../src/main/training/callback-module';
import { Callback } from '../../../src/main/training/loop/callback';
import { ROOT } from '../../helpers/runlab-cli';
import { trainInCode } from '../../../docs/examples/train-in-code';
import TargetAccuracyCallback from '../../../docs/examples/target-accuracy';
import { disposeLearner, tinyBunch, tinyLearner } from '../engine/engine-fixtures';
import { Runner } from '../../../src/main/training/loop/runner';
import { AvgStatsCallback } from '../../../src/main/training/callbacks/avg-stats';
import { accuracy } from '../../../src/main/training/metrics';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('docs/callbacks.md', () => {
  it('shows each example exactly as it is in docs/examples/', async () => {
    const page = await readFile(join(ROOT, 'docs/callbacks.md'), 'utf8');
    const blocks = [...page.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```/g)];
    expect(blocks.map((b) => b[1])).toEqual([
      'docs/examples/gradient-clipping.ts',
      'docs/examples/target-accuracy.ts',
      'docs/examples/train-in-code.ts',
    ]);
    for (const [, file, code] of blocks) expect(code, file).toBe(await readFile(join(ROOT, file!), 'utf8'));
  });
});

describe('the gradient-clipping example', () => {
  it('loads as a --callback module and clips every step to a global norm of 1, recording the norms before', async () => {
    const [clip] = (await loadCallbackModule('docs/examples/gradient-clipping.ts', DEFAULT_HYPERPARAMS, ROOT)) as [
      Callback & { norms: number[]; maxNorm: number },
    ];
    expect(clip).toBeInstanceOf(Callback);
    const applied: number[] = [];
    class StepNorm extends Callback {
      override readonly runAfter = [clip.constructor as typeof Callback];
      override async after_backward() {
        const g = this.runner.grads!;
        applied.push(tf.tidy(() => tf.sqrt(tf.addN(g.map((t) => tf.sum(tf.square(t))))).dataSync()[0]!));
      }
    }
    const before = tf.memory().numTensors;
    // lr 1 on unscaled inputs: raw gradients well above norm 1.
    const learner = tinyLearner(tinyBunch({ nTrain: 12, batchSize: 3, features: 4 }), { lr: 1 });
    await new Runner([new StepNorm(), clip]).fit(2, learner);
    disposeLearner(learner);
    expect(tf.memory().numTensors).toBe(before);
    expect(clip.norms).toHaveLength(8);
    clip.norms.forEach((raw, i) => expect(applied[i]).toBeCloseTo(Math.min(raw, 1), 4));
    expect(clip.norms.some((n) => n > 1)).toBe(true);
  });
});

describe('the target-accuracy example', () => {
  it('stops the fit after the first epoch whose validation accuracy reaches the target, saying why', async () => {
    // Scripted accuracies per epoch: 0.5, 0.75 (below 0.8), then 0.85.
    const script = [0.5, 0.75, 0.85, 0.9];
    class ScriptedStats extends AvgStatsCallback {
      override async after_epoch() {
        await super.after_epoch();
        this.last!.valid!.metrics.accuracy = script[this.runner.epoch]!;
      }
    }
    const learner = tinyLearner();
    const runner = new Runner([new TargetAccuracyCallback(), new ScriptedStats({ accuracy })]);
    await runner.fit(10, learner);
    disposeLearner(learner);
    expect(runner.epoch).toBe(2);
    expect(runner.stopReason).toBe('target-accuracy');
  });

  it('refuses to fit without AvgStats', async () => {
    const learner = tinyLearner();
    await expect(new Runner([new TargetAccuracyCallback()]).fit(1, learner)).rejects.toThrow(
      'TargetAccuracyCallback needs an AvgStatsCallback on the same Runner',
    );
    disposeLearner(learner);
  });
});

describe('the train-in-code example', () => {
  it('trains the lesson’s MLP until 90% validation accuracy', async () => {
    const cache = await mkdtemp(join(tmpdir(), 'runlab-docs-'));
    const { runner, history } = await trainInCode(5, cache).finally(() => rm(cache, { recursive: true, force: true }));
    expect(runner.stopReason).toBe('target-accuracy');
    expect(history.at(-1)!.valid!.metrics.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(history.slice(0, -1).every((h) => h.valid!.metrics.accuracy < 0.9)).toBe(true);
  });
});
