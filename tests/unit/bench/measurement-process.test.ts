/**
 * Real measurement processes end to end: bench/bare-loop.ts trains the default MLP on wasm
 * in its own process and reports through the orchestrator's protocol, and bench/interleaved.ts
 * times its three loops round by round (large batches and 3 epochs keep each to seconds).
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runMeasurementProcess } from '../../../bench/lib/child';
import type { InterleavedResult } from '../../../bench/lib/interleaved-result';
import type { LoopResult } from '../../../bench/lib/loop-result';

const BARE_LOOP = fileURLToPath(new URL('../../../bench/bare-loop.ts', import.meta.url));
const INTERLEAVED = fileURLToPath(new URL('../../../bench/interleaved.ts', import.meta.url));

describe('bench/bare-loop.ts', () => {
  it('trains, times the epochs after the warm-up and finds numTensors the same after every epoch', async () => {
    const o = await runMeasurementProcess<LoopResult>(BARE_LOOP, { batchSize: 512, epochs: 3, warmupEpochs: 1 }, { timeoutMs: 120_000 });
    if (!o.ok) throw new Error(o.error);
    const r = o.value;
    expect(r).toMatchObject({ kind: 'bare', backend: 'wasm', model: 'mlp', batch_size: 512, epochs: 3, train_size: 8000 });
    expect(r.train_sps).toBeGreaterThan(0);
    expect(r.epoch_sps).toBeGreaterThan(0);
    expect(r.epoch_sps!).toBeLessThan(r.train_sps!); // whole epochs include validation
    expect(r.epoch_cpu_sps).toBeGreaterThan(0);
    expect(r.train_sps_per_epoch).toHaveLength(3);
    // 2 dense layers × kernel and bias, and the lr scalar: nothing leaks between epochs.
    expect(r.num_tensors_per_epoch).toEqual([5, 5, 5]);
    expect(r.rss_mb_per_epoch.every((mb) => mb !== null && mb > 20)).toBe(true);
    // 3 epochs of lesson 9's SGD take the valid loss well below chance (ln 10 ≈ 2.3).
    expect(r.final_valid_loss).toBeGreaterThan(0);
    expect(r.final_valid_loss).toBeLessThan(1);
  });

  it('fails with a message naming the bad option', async () => {
    const o = await runMeasurementProcess(BARE_LOOP, { backend: 'gpu' });
    expect(o.ok).toBe(false);
    if (!o.ok)
      expect(o.error).toBe('exit code 1: measurement failed: bench options: backend must be one of tensorflow, wasm, cpu, got "gpu"');
  });
});

describe('bench/interleaved.ts', () => {
  it('times each loop once per round after the warm-up rounds, in one process', async () => {
    const o = await runMeasurementProcess<InterleavedResult>(
      INTERLEAVED,
      { batchSize: 512, epochs: 3, warmupEpochs: 1 },
      { timeoutMs: 120_000 },
    );
    if (!o.ok) throw new Error(o.error);
    const r = o.value;
    expect(r).toMatchObject({ kind: 'interleaved', backend: 'wasm', rounds: 2 });
    expect(r.kernels).toBe("Runlab's SIMD kernels (kernels/simd/kernels.wat) for dense layers and SGD");
    for (const loop of [
      r.bare_sps_per_round,
      r.bare_ops_sps_per_round,
      r.core_sps_per_round,
      r.runner_sps_per_round,
      r.runjob_sps_per_round,
      r.supervised_sps_per_round,
    ]) {
      expect(loop).toHaveLength(2);
      for (const sps of loop) expect(sps).toBeGreaterThan(0);
    }
  });
});
