/**
 * describeJsonError: why JSON.parse refused a text, without the text. V8 quotes the start of
 * the input in some of its messages ('Unexpected token 'r', "root:$y$j9T"… is not valid
 * JSON'): a message about a file must never echo what the file holds.
 */
export function describeJsonError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  if (/^Unexpected end of JSON input/.test(message)) return 'it ends in the middle of a value';
  // 'Expected property name or '}' in JSON at position 1 (line 1 column 2)' quotes only grammar.
  const at = /^([A-Za-z ,'{}[\]:-]{1,80}) in JSON at position (\d+)(?: \(line (\d+) column (\d+)\))?/.exec(message);
  if (at) {
    const [, what, position, line, column] = at;
    return line ? `${what} at line ${line}, column ${column}` : `${what} at position ${position}`;
  }
  return 'unexpected character';
}
