/**
 * Floating-point operations of the products in one training step, per sample: each dense
 * or convolution layer's forward product, its weight gradient and — except for the first
 * layer, whose input is data — its input gradient, two flops per multiply-add. What a
 * samples/s figure means in GFLOP/s, beside the core's peak.
 */

export interface ModelShape {
  model: 'mlp' | 'cnn';
  hidden: readonly number[];
  filters: readonly [number, number];
}

const INPUTS = 784;
const CLASSES = 10;

/** Multiply-adds of each weighted layer's forward product, per sample, in order. */
function layerMacs(shape: ModelShape): number[] {
  if (shape.model === 'mlp') {
    const widths = [INPUTS, ...shape.hidden, CLASSES];
    return widths.slice(1).map((out, i) => widths[i]! * out);
  }
  const [f1, f2] = shape.filters;
  // 28×28×1 → 3×3 stride 2 → 14×14×f1 → 3×3 stride 2 → 7×7×f2 → dense.
  return [14 * 14 * f1 * 9 * 1, 7 * 7 * f2 * 9 * f1, 7 * 7 * f2 * CLASSES];
}

/** Flops of one training step's products per sample (forward, weight gradients, input gradients but the first's). */
export function trainingFlopsPerSample(shape: ModelShape): number {
  const macs = layerMacs(shape);
  const total = macs.reduce((sum, m, i) => sum + m * (i === 0 ? 2 : 3), 0);
  return 2 * total;
}
