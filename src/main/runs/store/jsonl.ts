/** metrics.jsonl, one metric row per line: what one append writes (metric-line.ts reads them back). */

/** One line per row, each ending in a newline, ready for a single append. */
export function toJsonl(rows: readonly unknown[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}
