/**
 * flushAndExit: ends the `runlab` process once stdout and stderr have handed everything
 * written to them on. Writes to a pipe are asynchronous in Node: exiting at once cut
 * `runlab runs list --json | jq` at 64 KiB. A reader that has gone away (`| head -1`) is no
 * error: what it did not read, it did not want.
 */
export async function flushAndExit(code: number): Promise<never> {
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exit(code);
}

/** Quiet EPIPE on the standard streams: `runlab runs list | head -1` must not print a stack. */
export function ignoreClosedReaders(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
    });
  }
}

function drained(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded || stream.errored) return resolve();
    // Chunks are written in order: this empty one's callback runs once all before it are out.
    stream.once('error', () => resolve());
    stream.write('', () => resolve());
  });
}
