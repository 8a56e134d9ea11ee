/**
 * DataError: a problem with the user's data (missing file, bad format, bad value). Its
 * message is one line naming the file (and line/column) and what is expected; front doors
 * print it as is, without a stack trace.
 */
export interface DataErrorLocation {
  line?: number;
  column?: string;
}

export class DataError extends Error {
  override readonly name = 'DataError';
  readonly line: number | undefined;
  readonly column: string | undefined;

  constructor(
    message: string,
    /** The file or folder the problem is in. */
    readonly path: string,
    where: DataErrorLocation = {},
  ) {
    super(message);
    this.line = where.line;
    this.column = where.column;
  }
}
