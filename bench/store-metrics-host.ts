/**
 * Child process of bench/store-metrics.ts: a real LabService behind a real web host on
 * $RUNLAB_HOME (what `runlab serve` runs), watching its own event loop. Prints one JSON line
 * {url, token, port}; then, per line on stdin: `reset` clears the event-loop record, `report`
 * prints {max_stall_ms, p99_stall_ms, cpu_ms, rss_mb}: the longest the loop was kept from running,
 * the 99th percentile of its delays, and the CPU time this process used since `reset` (on a
 * loaded machine, what a phase costs apart from the wait for a core).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { startWebHost } from '../src/main/host/web-host';
import { LabService } from '../src/main/lab';

const service = await LabService.open({ dataDir: process.env['RUNLAB_HOME'] });
const host = await startWebHost({ service, port: 0 });
const delay = monitorEventLoopDelay({ resolution: 1 });
delay.enable();
let cpuSince = process.cpuUsage();
process.stdout.write(`${JSON.stringify({ url: host.url, token: host.token, port: host.port })}\n`);

createInterface({ input: process.stdin }).on('line', (line) => {
  if (line === 'reset') {
    delay.reset();
    cpuSince = process.cpuUsage();
    process.stdout.write('{"reset":true}\n');
  } else if (line === 'report') {
    const ms = (ns: number) => Math.round(ns / 1e4) / 100;
    const cpu = process.cpuUsage(cpuSince);
    // The histogram records how late each 1 ms tick came: its max is the longest stall.
    process.stdout.write(
      `${JSON.stringify({ max_stall_ms: ms(delay.max), p99_stall_ms: ms(delay.percentile(99)), cpu_ms: Math.round((cpu.user + cpu.system) / 1000), rss_mb: Math.round(process.memoryUsage().rss / 1e6) })}\n`,
    );
  } else if (line === 'exit') {
    void host
      .close()
      .then(() => service.close())
      .finally(() => process.exit(0));
  }
});
