/**
 * The measurement-process side of the orchestrator protocol: the result is one JSON object
 * on the last line of stdout; a failure is a message on stderr and exit code 1.
 */
export function emitResult(result: unknown): Promise<void> {
  return new Promise((resolve) => process.stdout.write(`\n${JSON.stringify(result)}\n`, () => resolve()));
}

/** Runs a measurement's main, reports its result or its error, and exits (tfjs keeps handles open). */
export function runMeasurement(main: () => Promise<unknown>): void {
  main().then(
    async (result) => {
      await emitResult(result);
      process.exit(0);
    },
    (err: unknown) => {
      const e = err as Error;
      // The stack for whoever debugs; the last line is what the orchestrator reports.
      process.stderr.write(`${e?.stack ?? String(err)}\nmeasurement failed: ${e?.message ?? String(err)}\n`);
      process.exit(1);
    },
  );
}
