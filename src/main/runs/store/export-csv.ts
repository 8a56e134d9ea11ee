/** metricsToCsv: iteration and epoch rows as one CSV table; a column a row kind lacks is empty. */
import Papa from 'papaparse';
import type { MetricRow } from '../../../shared/records';

export const CSV_COLUMNS = [
  'kind',
  'iter',
  'epoch',
  'loss',
  'lr',
  'train_loss',
  'train_accuracy',
  'valid_loss',
  'valid_accuracy',
  'seconds',
  't',
] as const;

export function metricsToCsv(rows: readonly MetricRow[]): string {
  const data = rows.map((row) => {
    const cells = row as Partial<Record<(typeof CSV_COLUMNS)[number], string | number | null>>;
    // null is a diverged (NaN/Infinity) value; both it and a missing column become an empty cell.
    return CSV_COLUMNS.map((column) => cells[column] ?? '');
  });
  const csv = Papa.unparse({ fields: [...CSV_COLUMNS], data }, { newline: '\n' });
  // unparse ends a header-only table with a newline but not one with rows: always end with one.
  return csv.endsWith('\n') ? csv : `${csv}\n`;
}
