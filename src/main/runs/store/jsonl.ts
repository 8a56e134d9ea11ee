/**
 * metrics.jsonl, one metric row per line. Appends can be cut short by a crash, so a last
 * line that is not valid JSON is a torn write and is dropped; a bad line before it is
 * damage and is reported, never skipped.
 */
import { LabError } from '../../../shared/api';
import { MetricRowSchema, type MetricRow } from '../../../shared/records';
import { describeIssues } from './describe-issues';

/** One line per row, each ending in a newline, ready for a single append. */
export function toJsonl(rows: readonly unknown[]): string {
  return rows.map((row) => `${JSON.stringify(row)}\n`).join('');
}

export interface ParsedJsonl {
  rows: MetricRow[];
  /** True when a torn last line was dropped. */
  tornTail: boolean;
}

/** `file` is only used to name the file in errors. */
export function parseMetricsJsonl(text: string, file: string): ParsedJsonl {
  const lines = text.split('\n');
  // A file that ends in a newline splits into a final empty string: not a line.
  if (lines[lines.length - 1] === '') lines.pop();
  const rows: MetricRow[] = [];
  let tornTail = false;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line.trim() === '') continue;
    const isLast = i === lines.length - 1;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      if (isLast) {
        tornTail = true;
        break;
      }
      throw lineError(file, i + 1, `is not valid JSON (${(error as Error).message})`);
    }
    const parsed = MetricRowSchema.safeParse(value);
    if (!parsed.success) throw lineError(file, i + 1, `is not a metric row: ${describeIssues(parsed.error)}`);
    rows.push(parsed.data);
  }
  return { rows, tornTail };
}

function lineError(file: string, line: number, what: string): LabError {
  return new LabError({ code: 'invalid', message: `${file}, line ${line} ${what}` });
}
