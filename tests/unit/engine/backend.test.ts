/** Backend selection: named backends that cannot load say why; auto falls through; probing does not switch. */
import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend, probeBackends } from '../../../src/main/training/backend';

describe('initBackend', () => {
  it('refuses "tensorflow" here, naming the package and how to get it', async () => {
    await expect(initBackend('tensorflow')).rejects.toThrow(
      'tensorflow backend unavailable: @tensorflow/tfjs-node-gpu is not installed (npm install @tensorflow/tfjs-node-gpu needs CUDA and network access)',
    );
  });

  it('switches to cpu and to wasm when asked, and reports the device', async () => {
    expect(await initBackend('cpu')).toEqual({ backend: 'cpu', device: 'cpu (plain JavaScript)', skipped: [] });
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await initBackend('wasm');
    expect(wasm.backend).toBe('wasm');
    expect(wasm.device).toMatch(/^wasm \((SIMD|no SIMD)(, FMA)?, \d+ threads?\)$/);
    expect(tf.getBackend()).toBe('wasm');
  });

  it('auto picks wasm here, and says why tensorflow was passed over', async () => {
    await initBackend('cpu');
    const auto = await initBackend('auto');
    expect(auto.backend).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(auto.skipped).toEqual([{ name: 'tensorflow', reason: expect.stringContaining('@tensorflow/tfjs-node-gpu is not installed') }]);
  });
});

describe('probeBackends', () => {
  it('lists each backend with availability and reason, without switching the active one', async () => {
    await initBackend('cpu');
    const info = await probeBackends();
    expect(info.map((b) => [b.name, b.available])).toEqual([
      ['tensorflow', false],
      ['wasm', true],
      ['cpu', true],
    ]);
    expect(info[0]!.reason).toContain('@tensorflow/tfjs-node-gpu');
    expect(info[1]!.reason).toBeNull();
    expect(tf.getBackend()).toBe('cpu');
  });
});
