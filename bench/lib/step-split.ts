/**
 * Turns tf.profile kernel records into a per-step split: time in matMul kernels, in the
 * other kernels, how many kernels run, and the heaviest ones. Records of composite ops
 * (customGrad, whose inner kernels are recorded too) are left out so nothing counts twice.
 */

/** The fields of a tf.profile kernel record this summary reads. */
export interface KernelRecord {
  name: string;
  kernelTimeMs: number | { error: string };
  inputShapes: (number[] | null)[];
}

export interface KernelSplit {
  /** Kernels launched per step. */
  kernels_per_step: number;
  /** ms per step inside the products' kernels (BatchMatMul, _FusedMatMul, or the SIMD dense-layer kernels). */
  matmul_ms: number;
  /** ms per step inside every other kernel. */
  other_kernels_ms: number;
  /** The heaviest kernels by ms per step. */
  top: { name: string; ms_per_step: number; calls_per_step: number; shapes: string }[];
}

export interface StepProfile {
  backend: string;
  device: string;
  model: string;
  batch_size: number;
  /** Steps per round (one epoch) and rounds; the numbers are medians over rounds. */
  steps: number;
  rounds: number;
  step_ms: number;
  samples_per_second: number;
  phases_ms: { data: number; forward_backward: number; update: number; release: number };
  forward_backward: KernelSplit;
  update: KernelSplit;
  /**
   * The first layer's forward pass act(x·W + b): on TensorFlow.js's fused matMul (XNNPACK)
   * with the weights buffer reused and freshly written (as after every update), and with the
   * SIMD dense kernel (fresh weights; null where it does not run).
   */
  matmul_probe: { shape: string; same_weights_us: number; fresh_weights_us: number; simd_fresh_weights_us: number | null } | null;
}

/** The products: tfjs's matMul kernels, and the SIMD dense-layer kernels that replace them on wasm (whose backward also masks relu and sums the bias gradient). */
const MATMUL = new Set(['BatchMatMul', '_FusedMatMul', 'RunlabDenseForward', 'RunlabDenseBackward']);

export function kernelSummary(records: readonly KernelRecord[], steps: number, isKernel: (name: string) => boolean, topN = 6): KernelSplit {
  const byName = new Map<string, { ms: number; calls: number; shapes: Set<string> }>();
  let count = 0;
  for (const r of records) {
    if (!isKernel(r.name)) continue;
    count++;
    const ms = typeof r.kernelTimeMs === 'number' ? r.kernelTimeMs : 0;
    const entry = byName.get(r.name) ?? { ms: 0, calls: 0, shapes: new Set<string>() };
    entry.ms += ms;
    entry.calls++;
    entry.shapes.add(r.inputShapes.map((s) => (s ? `[${s.join(',')}]` : '-')).join('×'));
    byName.set(r.name, entry);
  }
  let matmul = 0;
  let other = 0;
  for (const [name, e] of byName) {
    if (MATMUL.has(name)) matmul += e.ms;
    else other += e.ms;
  }
  const top = [...byName.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .slice(0, topN)
    .map(([name, e]) => ({
      name,
      ms_per_step: e.ms / steps,
      calls_per_step: e.calls / steps,
      shapes: [...e.shapes].slice(0, 4).join(' '),
    }));
  return { kernels_per_step: count / steps, matmul_ms: matmul / steps, other_kernels_ms: other / steps, top };
}
