/**
 * attachDragZoom: drag on a chart to zoom to the rectangle (a flat drag zooms x only and y
 * refits), Shift-drag to pan, double-click to reset. Written here rather than with
 * chartjs-plugin-zoom because the zoom window is the owner's state — it decides how the
 * data is downsampled (envelope.ts), fills the axis-range inputs and survives a change of
 * metric — and the plugin would keep a second copy inside Chart.js. The selection is a
 * plain element over the canvas; values come from Chart.js's own pixel ↔ value scales.
 */

export interface ZoomRange {
  x: { min: number; max: number };
  /** null: keep y automatic (a flat drag, or a pan). */
  y: { min: number; max: number } | null;
}

/** What attachDragZoom needs of a Chart.js chart: its plot area and its scales' conversions. */
export interface ZoomableChart {
  chartArea: { left: number; right: number; top: number; bottom: number } | undefined;
  scales: Record<string, { getValueForPixel(pixel: number): number | undefined; min: number; max: number } | undefined>;
}

export interface DragZoomOptions {
  onzoom: (range: ZoomRange) => void;
  onreset: () => void;
  /** The rectangle drawn while dragging (positioned in the canvas' parent). */
  selection: HTMLElement;
  /** A drag shorter than this (px) is a click, not a zoom. */
  minDrag?: number;
}

export function attachDragZoom(canvas: HTMLCanvasElement, chart: () => ZoomableChart | null, opts: DragZoomOptions): () => void {
  const minDrag = opts.minDrag ?? 6;
  let start: { x: number; y: number; pan: boolean; xRange: { min: number; max: number }; yRange: { min: number; max: number } } | null =
    null;
  let pointerId: number | null = null;

  const local = (e: PointerEvent) => {
    const rect = canvas.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };
  const inArea = (p: { x: number; y: number }, area: NonNullable<ZoomableChart['chartArea']>) =>
    p.x >= area.left && p.x <= area.right && p.y >= area.top && p.y <= area.bottom;
  const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));
  const hide = () => {
    opts.selection.style.display = 'none';
  };

  const down = (e: PointerEvent) => {
    const c = chart();
    const area = c?.chartArea;
    if (!c || !area || e.button !== 0) return;
    const p = local(e);
    if (!inArea(p, area)) return;
    const x = c.scales['x'];
    const y = c.scales['y'];
    if (!x || !y) return;
    start = { ...p, pan: e.shiftKey, xRange: { min: x.min, max: x.max }, yRange: { min: y.min, max: y.max } };
    pointerId = e.pointerId;
    canvas.setPointerCapture(e.pointerId);
    canvas.style.cursor = e.shiftKey ? 'grabbing' : 'crosshair';
  };

  const move = (e: PointerEvent) => {
    const c = chart();
    const area = c?.chartArea;
    if (!start || !c || !area || e.pointerId !== pointerId) return;
    const p = local(e);
    if (start.pan) return;
    const x0 = clamp(Math.min(start.x, p.x), area.left, area.right);
    const x1 = clamp(Math.max(start.x, p.x), area.left, area.right);
    const flat = Math.abs(p.y - start.y) < 12;
    const y0 = flat ? area.top : clamp(Math.min(start.y, p.y), area.top, area.bottom);
    const y1 = flat ? area.bottom : clamp(Math.max(start.y, p.y), area.top, area.bottom);
    Object.assign(opts.selection.style, {
      display: 'block',
      left: `${canvas.offsetLeft + x0}px`,
      top: `${canvas.offsetTop + y0}px`,
      width: `${x1 - x0}px`,
      height: `${y1 - y0}px`,
    });
  };

  const up = (e: PointerEvent) => {
    const c = chart();
    if (!start || !c || e.pointerId !== pointerId) return;
    const p = local(e);
    const from = start;
    start = null;
    pointerId = null;
    canvas.style.cursor = '';
    hide();
    const xs = c.scales['x'];
    const ys = c.scales['y'];
    const area = c.chartArea;
    if (!xs || !ys || !area) return;
    if (from.pan) {
      // Move the window by the drag: what was under the pointer stays under it.
      const dx = (xs.getValueForPixel(from.x) ?? 0) - (xs.getValueForPixel(p.x) ?? 0);
      if (Math.abs(p.x - from.x) < minDrag) return;
      opts.onzoom({ x: { min: from.xRange.min + dx, max: from.xRange.max + dx }, y: null });
      return;
    }
    if (Math.abs(p.x - from.x) < minDrag) return;
    const value = (scale: typeof xs, pixel: number) => scale.getValueForPixel(pixel);
    const xa = value(xs, clamp(from.x, area.left, area.right));
    const xb = value(xs, clamp(p.x, area.left, area.right));
    if (xa === undefined || xb === undefined) return;
    const flat = Math.abs(p.y - from.y) < 12;
    let y: ZoomRange['y'] = null;
    if (!flat) {
      const ya = value(ys, clamp(from.y, area.top, area.bottom));
      const yb = value(ys, clamp(p.y, area.top, area.bottom));
      if (ya !== undefined && yb !== undefined) y = { min: Math.min(ya, yb), max: Math.max(ya, yb) };
    }
    opts.onzoom({ x: { min: Math.min(xa, xb), max: Math.max(xa, xb) }, y });
  };

  const cancel = () => {
    start = null;
    pointerId = null;
    canvas.style.cursor = '';
    hide();
  };
  const dblclick = () => opts.onreset();

  canvas.addEventListener('pointerdown', down);
  canvas.addEventListener('pointermove', move);
  canvas.addEventListener('pointerup', up);
  canvas.addEventListener('pointercancel', cancel);
  canvas.addEventListener('dblclick', dblclick);
  return () => {
    canvas.removeEventListener('pointerdown', down);
    canvas.removeEventListener('pointermove', move);
    canvas.removeEventListener('pointerup', up);
    canvas.removeEventListener('pointercancel', cancel);
    canvas.removeEventListener('dblclick', dblclick);
  };
}
