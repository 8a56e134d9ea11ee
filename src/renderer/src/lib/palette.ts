/**
 * Okabe–Ito colours: distinguishable with the common colour-vision deficiencies. Their
 * black is a mid grey here, which reads on the light and the dark theme alike; yellow is
 * last because it is faint on white.
 */
export const PALETTE = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#8A8A8A', '#F0E442'] as const;

export function seriesColor(index: number): string {
  return PALETTE[((index % PALETTE.length) + PALETTE.length) % PALETTE.length] as string;
}

/** "#0072B2" at alpha 0.25 → "rgba(0, 114, 178, 0.25)"; used for the raw line under a smoothed one. */
export function withAlpha(hex: string, alpha: number): string {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) return hex;
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => parseInt(h as string, 16));
  return `rgba(${r}, ${g}, ${b}, ${alpha})`;
}
