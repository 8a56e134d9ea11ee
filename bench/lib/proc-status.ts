/**
 * Peak resident set of another process, sampled from /proc/<pid>/status (VmHWM, Linux): the
 * supervisor's trainer child is not this process, so resourceUsage() cannot see it.
 */
import { readFile } from 'node:fs/promises';

/** VmHWM in MB from the text of a /proc/<pid>/status file; null when absent. */
export function parseVmHwmMb(status: string): number | null {
  const m = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
  return m ? Number(m[1]) / 1024 : null;
}

/** Polls a process's VmHWM until it exits; `peakMb` holds the last value read (null off Linux). */
export class PeakRssSampler {
  peakMb: number | null = null;
  private timer: NodeJS.Timeout | null = null;

  start(pid: number, everyMs = 100): void {
    const sample = async () => {
      const text = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => null);
      const mb = text === null ? null : parseVmHwmMb(text);
      if (mb !== null) this.peakMb = Math.max(this.peakMb ?? 0, mb);
    };
    void sample();
    this.timer = setInterval(() => void sample(), everyMs);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}
