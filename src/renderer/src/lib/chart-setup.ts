/**
 * Registers only the Chart.js pieces the app draws with (line charts on linear axes,
 * legend, tooltip, LTTB decimation), so the bundle carries nothing else.
 */
import { Chart, Decimation, Legend, LinearScale, LineController, LineElement, PointElement, Tooltip } from 'chart.js';

Chart.register(LineController, LineElement, PointElement, LinearScale, Legend, Tooltip, Decimation);

export { Chart };
