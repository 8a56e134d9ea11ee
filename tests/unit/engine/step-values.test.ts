/**
 * StepValues, the Runner's reader of numbers from a step's tensors: in place where tensors
 * live in host memory, else kept and brought back in one readback — in order, every `use`
 * called even when one throws, nothing kept after a flush or a discard.
 */
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../../../src/main/training/backend';
import { Callback } from '../../../src/main/training/loop/callback';
import { StepValues } from '../../../src/main/training/loop/step-values';
import { fitAndDispose, tinyBunch, tinyLearner } from './engine-fixtures';

beforeAll(async () => {
  await initBackend('cpu');
});

describe('StepValues', () => {
  it('reads in place at once where the backend keeps tensors in host memory (cpu)', () => {
    const values = new StepValues();
    const t = tf.tensor1d([1, 2, 3]);
    const seen: number[][] = [];
    values.read([t], ([v]) => seen.push(Array.from(v!)));
    expect(seen).toEqual([[1, 2, 3]]);
    expect(values.waiting).toBe(0);
    t.dispose();
  });

  it('on the readback path, keeps the tensors (the caller may dispose its own) and hands each read its values at the flush, in order', async () => {
    const values = new StepValues({ inPlace: false });
    const before = tf.memory().numTensors;
    const seen: string[] = [];
    const a = tf.tensor2d([
      [1, 2],
      [3, 4],
    ]);
    const b = tf.tensor1d([7, 8], 'int32');
    values.read([a, b], ([x, y]) => seen.push(`a=${Array.from(x!)} b=${Array.from(y!)}`));
    tf.dispose([a, b]);
    const c = tf.scalar(5);
    values.read([c], ([x]) => seen.push(`c=${Array.from(x!)}`));
    c.dispose();
    expect(seen).toEqual([]);
    expect(values.waiting).toBe(2);
    await values.flush();
    expect(seen).toEqual(['a=1,2,3,4 b=7,8', 'c=5']);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is due after `every` batches with reads, or `everyMs` after the last readback', () => {
    let clock = 0;
    const values = new StepValues({ inPlace: false, every: 2, everyMs: 100, now: () => clock });
    const t = tf.scalar(1);
    expect(values.batchEnded()).toBe(false); // nothing waiting
    values.read([t], () => undefined);
    expect(values.batchEnded()).toBe(false);
    values.read([t], () => undefined);
    values.read([t], () => undefined); // two reads in one batch count once
    expect(values.batchEnded()).toBe(true);
    values.discard();
    values.read([t], () => undefined);
    clock = 100;
    expect(values.batchEnded()).toBe(true);
    values.discard();
    t.dispose();
  });

  it('calls every use when one throws, then rethrows the first error', async () => {
    const values = new StepValues({ inPlace: false });
    const t = tf.scalar(1);
    const seen: number[] = [];
    values.read([t], () => {
      throw new Error('first');
    });
    values.read([t], () => {
      seen.push(2);
      throw new Error('second');
    });
    values.read([t], () => seen.push(3));
    await expect(values.flush()).rejects.toThrow('first');
    expect(seen).toEqual([2, 3]);
    t.dispose();
  });

  it('discard frees what it kept without calling anyone', async () => {
    const values = new StepValues({ inPlace: false });
    const before = tf.memory().numTensors;
    const t = tf.scalar(1);
    values.read([t], () => {
      throw new Error('never called');
    });
    t.dispose();
    values.discard();
    await values.flush();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('through a Runner: every read of a pass is in before begin_validate, of the fit before after_fit', async () => {
    const seenAt: Record<string, number> = {};
    let reads = 0;
    class Reader extends Callback {
      override async after_batch() {
        if (this.runner.inTrain) this.runner.values.read([this.runner.loss!], () => reads++);
      }
      override async begin_validate() {
        seenAt.begin_validate = reads;
      }
      override async after_fit() {
        seenAt.after_fit = reads;
      }
    }
    // 5 train batches per epoch, readbacks due only every 1000: the pass's end brings them in.
    const runner = await fitAndDispose(1, tinyLearner(tinyBunch({ nTrain: 10, batchSize: 2 })), [new Reader()], {
      values: { inPlace: false, every: 1000, everyMs: Number.POSITIVE_INFINITY },
    });
    expect(seenAt).toEqual({ begin_validate: 5, after_fit: 5 });
    expect(runner.values.waiting).toBe(0);
  });
});
