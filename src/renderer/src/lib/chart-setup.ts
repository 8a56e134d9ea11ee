/**
 * Registers only the Chart.js pieces the app draws with (line and scatter charts on linear and log
 * axes — log y in Compare, log x for the LR finder —, filled bands, legend, tooltip, LTTB decimation), so the bundle carries nothing else.
 */
import {
  Chart,
  Decimation,
  Filler,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  LogarithmicScale,
  PointElement,
  ScatterController,
  Tooltip,
} from 'chart.js';

// Filler draws the bands of seed groups; LogarithmicScale the log y axis; ScatterController the Plots panel's scatter.
Chart.register(
  LineController,
  ScatterController,
  LineElement,
  PointElement,
  LinearScale,
  LogarithmicScale,
  Legend,
  Tooltip,
  Decimation,
  Filler,
);

export { Chart };
