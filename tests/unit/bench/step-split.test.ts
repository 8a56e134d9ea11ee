/** The step profile's kernel split: matMul vs other kernels, composite ops not counted twice. */
import { describe, expect, it } from 'vitest';
import { kernelSummary, type KernelRecord } from '../../../bench/lib/step-split';

const rec = (name: string, ms: number, shapes: number[][] = [[64, 784]]): KernelRecord => ({ name, kernelTimeMs: ms, inputShapes: shapes });

describe('kernelSummary', () => {
  it('splits kernel time per step into matMul and the rest, leaving out records of composite ops', () => {
    const kernels = new Set(['BatchMatMul', '_FusedMatMul', 'Add', 'Transpose']);
    const records = [
      // Two steps; the customGrad wrapper ('') contains the kernels recorded next to it.
      rec('', 5),
      rec('BatchMatMul', 1.0),
      rec('_FusedMatMul', 0.2),
      rec('Add', 0.1),
      rec('', 4),
      rec('BatchMatMul', 0.8),
      rec('Transpose', 0.3),
      rec('Add', 0.1),
    ];
    const s = kernelSummary(records, 2, (name) => kernels.has(name));
    expect(s.kernels_per_step).toBe(3);
    expect(s.matmul_ms).toBeCloseTo(1.0, 10);
    expect(s.other_kernels_ms).toBeCloseTo(0.25, 10);
    expect(s.top[0]).toMatchObject({ name: 'BatchMatMul', calls_per_step: 1 });
    expect(s.top[0]!.ms_per_step).toBeCloseTo(0.9, 10);
  });
});
