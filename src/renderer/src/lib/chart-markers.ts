/**
 * Chart markers: vertical lines at given x positions with a short label — a run's live
 * edits and resumes drawn on its charts, by a Chart.js plugin that Chart.svelte gives each chart.
 * Written here: Chart.js' annotation plugin draws boxes and lines from config, but not the
 * overlap-aware labels wanted here, and these 40 lines cost less than its 60 kB.
 */
import type { Chart, Plugin } from 'chart.js';

export interface ChartMarker {
  x: number;
  label: string;
  color: string;
  /** Dashed (a live edit) or solid (a resume). */
  dashed?: boolean;
}

/**
 * A chart's marker plugin, reading the markers through `get` at each draw: kept out of the
 * chart's options, which Chart.js resolves as scriptable (an array of objects there is walked
 * as options, not data).
 */
export function markersPlugin(get: () => readonly ChartMarker[]): Plugin<'line'> {
  return {
    id: 'runlabMarkers',
    afterDatasetsDraw(chart: Chart<'line'>) {
      drawMarkers(chart, get());
    },
  };
}

function drawMarkers(chart: Chart<'line'>, markers: readonly ChartMarker[]): void {
  if (markers.length === 0) return;
  const { ctx, chartArea } = chart;
  const x = chart.scales.x;
  if (!x) return;
  ctx.save();
  ctx.font = '10px system-ui, sans-serif';
  ctx.textBaseline = 'top';
  // Where each of three label lines ends: a label goes on the first line it does not overlap.
  const lineEnds = [-Infinity, -Infinity, -Infinity];
  for (const m of [...markers].sort((a, b) => a.x - b.x)) {
    const px = x.getPixelForValue(m.x);
    if (!Number.isFinite(px) || px < chartArea.left - 0.5 || px > chartArea.right + 0.5) continue;
    ctx.strokeStyle = m.color;
    ctx.lineWidth = 1.25;
    ctx.setLineDash(m.dashed === false ? [] : [4, 3]);
    ctx.beginPath();
    ctx.moveTo(px, chartArea.top);
    ctx.lineTo(px, chartArea.bottom);
    ctx.stroke();
    const width = ctx.measureText(m.label).width;
    const left = Math.max(chartArea.left + 2, Math.min(px + 3, chartArea.right - width - 2));
    const line = lineEnds.findIndex((end) => left > end + 4);
    // No free line: the label is left out, the line stays.
    if (line === -1) continue;
    lineEnds[line] = left + width;
    const top = chartArea.top + 2 + line * 12;
    ctx.fillStyle = 'rgba(255, 255, 255, 0.85)';
    ctx.fillRect(left - 1, top, width + 2, 12);
    ctx.fillStyle = m.color;
    ctx.fillText(m.label, left, top + 1);
  }
  ctx.restore();
}
