/**
 * A 'same' NHWC convolution in float64, the reference the SIMD convolution kernels are
 * tested against: y = act(conv(x, f) + b), and from dL/dy the filter, bias and input
 * gradients (relu's mask from y > 0), each summed in double precision.
 */

export interface ConvCase {
  images: number;
  size: number;
  channels: number;
  kernel: number;
  filters: number;
  stride: number;
}

export interface ConvGradients {
  dw: Float64Array;
  db: Float64Array;
  dx: Float64Array;
}

/** TensorFlow's 'same' padding along one axis. */
function same(size: number, k: number, s: number): { out: number; before: number } {
  const out = Math.ceil(size / s);
  const total = Math.max((out - 1) * s + k - size, 0);
  return { out, before: Math.floor(total / 2) };
}

export function outputSize(c: ConvCase): number {
  return same(c.size, c.kernel, c.stride).out;
}

/** `size` seeded values in [-1, 1), float32. */
export function seeded(size: number, seed: number): Float32Array {
  let s = seed >>> 0 || 1;
  return new Float32Array(size).map(() => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 31 - 1;
  });
}

/** The taps of output pixel (bi, oy, ox): [filter row kk·o offset base, input index] for each tap inside x. */
function taps(c: ConvCase, bi: number, oy: number, ox: number): [number, number][] {
  const { size: h, channels: ch, kernel: k, stride: s } = c;
  const before = same(h, k, s).before;
  const list: [number, number][] = [];
  for (let ky = 0; ky < k; ky++)
    for (let kx = 0; kx < k; kx++) {
      const yy = oy * s + ky - before;
      const xx = ox * s + kx - before;
      if (yy < 0 || yy >= h || xx < 0 || xx >= h) continue;
      for (let ci = 0; ci < ch; ci++) list.push([(ky * k + kx) * ch + ci, ((bi * h + yy) * h + xx) * ch + ci]);
    }
  return list;
}

/** y = act(conv(x, f) + b): x [n, size, size, c], f [k, k, c, o], b [o] → y [n, out, out, o]. */
export function convForwardReference(
  c: ConvCase,
  x: ArrayLike<number>,
  f: ArrayLike<number>,
  b: ArrayLike<number>,
  relu: boolean,
): Float64Array {
  const out = outputSize(c);
  const o = c.filters;
  const y = new Float64Array(c.images * out * out * o);
  for (let bi = 0; bi < c.images; bi++)
    for (let oy = 0; oy < out; oy++)
      for (let ox = 0; ox < out; ox++) {
        const pixel = (bi * out + oy) * out + ox;
        const list = taps(c, bi, oy, ox);
        for (let oi = 0; oi < o; oi++) {
          let sum = b[oi]!;
          for (const [kk, xi] of list) sum += x[xi]! * f[kk * o + oi]!;
          y[pixel * o + oi] = relu ? Math.max(sum, 0) : sum;
        }
      }
  return y;
}

/**
 * The gradients of act(conv(x, f) + b) from dL/dy [n, out, out, o]; with `y` (the
 * layer's output), relu's mask: dL/dy counts where y > 0.
 */
export function convBackwardReference(
  c: ConvCase,
  x: ArrayLike<number>,
  f: ArrayLike<number>,
  dy: ArrayLike<number>,
  y: ArrayLike<number> | null,
): ConvGradients {
  const out = outputSize(c);
  const o = c.filters;
  const dw = new Float64Array(c.kernel * c.kernel * c.channels * o);
  const db = new Float64Array(o);
  const dx = new Float64Array(c.images * c.size * c.size * c.channels);
  for (let bi = 0; bi < c.images; bi++)
    for (let oy = 0; oy < out; oy++)
      for (let ox = 0; ox < out; ox++) {
        const pixel = (bi * out + oy) * out + ox;
        const list = taps(c, bi, oy, ox);
        for (let oi = 0; oi < o; oi++) {
          const at = pixel * o + oi;
          const g = y && !(y[at]! > 0) ? 0 : dy[at]!;
          db[oi] += g;
          for (const [kk, xi] of list) {
            dw[kk * o + oi] += x[xi]! * g;
            dx[xi] += g * f[kk * o + oi]!;
          }
        }
      }
  return { dw, db, dx };
}
