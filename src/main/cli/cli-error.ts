/**
 * CliError: a refusal meant for the person at the terminal — printed as one "error: …"
 * line (no stack trace) and turned into the process exit code.
 */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    /** 2: the command line itself is wrong (bad flag value); 1: the job could not be done. */
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** The one line a person sees for any error: CliError, LabError and DataError carry theirs. */
export function errorLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // A CliError may list several bad flags, one per line.
  if (error instanceof CliError)
    return message
      .split('\n')
      .map((line) => `error: ${line}`)
      .join('\n');
  // Others keep to one line: a trainer's stderr tail stays in the run record (`runlab runs show`).
  const [first = ''] = message.split('\n');
  return `error: ${first}`;
}
