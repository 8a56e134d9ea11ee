/**
 * streamCsvExport: a CSV export of any size, a page of rows at a time, in the format of
 * export-csv.ts (the header once, then each page's rows) — a run of five million iterations
 * is exported without holding its rows or the whole text in memory.
 */
import { METRICS_PAGE_MAX } from '../../../shared/metrics-view';
import { metricsToCsv, type MetricsTable } from './export-csv';
import type { RunStore } from './store';

export async function streamCsvExport(
  store: RunStore,
  id: string,
  table: MetricsTable,
  write: (text: string) => Promise<void>,
): Promise<void> {
  const kind = table === 'iterations' ? 'iter' : 'epoch';
  let offset: number | null = 0;
  let first = true;
  while (offset !== null) {
    const page = await store.metricsPage(id, { offset, limit: METRICS_PAGE_MAX, kind });
    const csv = metricsToCsv(page.rows, table);
    // Every page's table starts with the header: only the first one keeps it.
    await write(first ? csv : csv.slice(csv.indexOf('\n') + 1));
    first = false;
    offset = page.next;
  }
}
