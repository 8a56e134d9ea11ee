/**
 * Whether the process that owns a run is still running. A pid alone can mislead: after a
 * crash and a reboot (or a long uptime) the number can belong to another process. Where
 * the system says when a process started (Linux: /proc/<pid>/stat), a run also stores its
 * owner's start time, and an owner only counts as alive when both match.
 */
import { readFileSync } from 'node:fs';

/** Whether a process with this pid exists (signal 0 checks without signalling). */
export function isPidAlive(pid: number): boolean {
  // kill(0) and negative pids address process groups: never treat them as one process.
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When process `pid` started, as the system counts it (Linux: clock ticks after boot, field
 * 22 of /proc/<pid>/stat); null where that cannot be read (no such process, no /proc).
 */
export function processStartTime(pid: number): string | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may hold spaces: count after it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const start = fields[19];
    return start !== undefined && /^\d+$/.test(start) ? start : null;
  } catch {
    return null;
  }
}

/**
 * Whether the owner recorded as (`pid`, `started`) still runs: the pid exists and, when a
 * start time was recorded and the system can tell, the process with that pid started then.
 */
export function isOwnerAlive(pid: number, started?: string | null): boolean {
  if (!isPidAlive(pid)) return false;
  if (started == null) return true;
  const now = processStartTime(pid);
  return now === null || now === started;
}
