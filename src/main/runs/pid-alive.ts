/** isPidAlive: whether a process with this pid exists (signal 0 checks without signalling). */
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
