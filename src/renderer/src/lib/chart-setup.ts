/**
 * Registers only the Chart.js pieces the app draws with (line charts on linear axes, a log
 * x axis for the LR finder, legend, tooltip, LTTB decimation), so the bundle carries nothing else.
 */
import { Chart, Decimation, Legend, LinearScale, LineController, LineElement, LogarithmicScale, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, LogarithmicScale, Legend, Tooltip, Decimation);

export { Chart };
