/**
 * A callback module for `runlab train --callback`: stops the fit once an epoch's validation
 * accuracy reaches a target. The default export is the Callback class itself, imported
 * from the engine's public API (a file inside a Runlab checkout can import it).
 */
import { AvgStatsCallback, Callback, CancelTrainException } from '../../src/main/training/index';

export default class TargetAccuracyCallback extends Callback {
  // AvgStats must be there, and must have finished the epoch when after_epoch reaches us.
  override readonly needs = [AvgStatsCallback];
  override readonly runAfter = [AvgStatsCallback];

  constructor(readonly target = 0.8) {
    super();
  }

  override async after_epoch(): Promise<void> {
    const accuracy = this.runner.get(AvgStatsCallback)!.last?.valid?.metrics.accuracy;
    if (accuracy === undefined || accuracy < this.target) return;
    console.error(`target-accuracy: ${accuracy.toFixed(4)} ≥ ${this.target} after epoch ${this.runner.epoch + 1}`);
    this.runner.stopReason = 'target-accuracy';
    throw new CancelTrainException(`valid accuracy reached ${this.target}`);
  }
}
