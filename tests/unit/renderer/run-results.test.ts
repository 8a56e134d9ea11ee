/** A run's results for History and Compare: the summary when there is one, else its last finished epoch. */
import { describe, expect, it } from 'vitest';
import { runResults } from '../../../src/renderer/src/lib/run-results';
import { makeRun } from './run-fixtures';

const latest = { train_loss: 0.41, train_accuracy: 0.88, valid_loss: 0.37, valid_accuracy: 0.9 };
const progress = { iter: 250, total_iters: 375, epoch: 2, epochs: 3, latest, best_valid_accuracy: 0.905 };

describe('runResults', () => {
  it("takes a running run's last finished epoch and best accuracy from its progress", () => {
    expect(runResults(makeRun('a', { status: 'running', progress }))).toEqual({
      epochs: 2,
      iterations: 250,
      best_valid_accuracy: 0.905,
      final: latest,
    });
  });

  it('has nothing before the first epoch ends (or for a run.json written before progress kept metrics)', () => {
    expect(runResults(makeRun('b', { status: 'running', progress: { iter: 10, total_iters: 375, epoch: 0.08, epochs: 3 } }))).toEqual({
      epochs: 0,
      iterations: 10,
      best_valid_accuracy: null,
      final: null,
    });
    expect(runResults(makeRun('c', { status: 'queued', progress: null }))).toEqual({
      epochs: null,
      iterations: null,
      best_valid_accuracy: null,
      final: null,
    });
  });

  it('prefers the summary once the run has one, whatever its progress says', () => {
    const final = { train_loss: 0.3, train_accuracy: 0.92, valid_loss: 0.32, valid_accuracy: 0.91 };
    const summary = {
      epochs: 3,
      iterations: 375,
      final,
      best_valid_accuracy: 0.93,
      best_valid_loss: 0.3,
      best_epoch: 2,
      samples_per_second: 1000,
      stopped_by: null,
    };
    expect(runResults(makeRun('d', { progress, summary }))).toEqual({ epochs: 3, iterations: 375, best_valid_accuracy: 0.93, final });
  });
});
