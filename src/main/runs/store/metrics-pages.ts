/**
 * readRows: rows `offset … offset + limit` of one kind, exactly as stored, read from the byte
 * offset the MetricsIndex kept for the nearest earlier multiple of PAGE_STRIDE — a page of a
 * 5M-row run reads about a page of the file, never the whole of it. Lines that are not rows
 * are skipped as the index skipped them; nothing past what the index has read is returned.
 */
import type { MetricRow } from '../../../shared/records';
import { openRegularFile } from '../../fs/regular-file';
import { MAX_LINE_BYTES, PAGE_STRIDE, type MetricsIndex, type RowKind } from './metrics-index';
import { parseMetricLine } from './metric-line';
import { TimeSlice } from './time-slice';

const READ_BYTES = 256 * 1024;

export async function readRows(
  index: MetricsIndex,
  kind: RowKind,
  offset: number,
  limit: number,
  slice = new TimeSlice(),
): Promise<MetricRow[]> {
  const total = index.count(kind);
  if (offset >= total || limit <= 0) return [];
  const block = Math.floor(offset / PAGE_STRIDE);
  let rowNumber = block * PAGE_STRIDE;
  let position = index.offsets[kind][block]!;
  const end = index.covered;
  const wanted = Math.min(limit, total - offset);
  const rows: MetricRow[] = [];
  const opened = await openRegularFile(index.file);
  if (!opened.ok) throw new Error(`${index.file} cannot be read (${opened.kind ?? opened.code ?? opened.problem})`);
  try {
    const chunk = Buffer.allocUnsafe(READ_BYTES);
    let carry: Buffer | null = null;
    let skippingOverlong = false;
    while (position < end && rows.length < wanted) {
      const { bytesRead } = await opened.handle.read(chunk, 0, Math.min(chunk.length, end - position), position);
      if (bytesRead === 0) break;
      position += bytesRead;
      const fresh = chunk.subarray(0, bytesRead);
      const buf: Buffer = carry ? Buffer.concat([carry, fresh]) : Buffer.from(fresh);
      // The index stops at a whole line, or at a whole row without its newline at the very end.
      const last = position >= end ? buf.length - 1 : buf.lastIndexOf(10);
      if (last < 0) {
        carry = skippingOverlong || buf.length > MAX_LINE_BYTES ? ((skippingOverlong = true), null) : buf;
        continue;
      }
      let start = 0;
      while (start <= last && rows.length < wanted) {
        let newline = buf.indexOf(10, start);
        if (newline < 0 || newline > last) newline = last + 1;
        if (skippingOverlong || newline - start > MAX_LINE_BYTES) {
          skippingOverlong = false;
        } else {
          const parsed = parseMetricLine(buf.toString('utf8', start, newline));
          if (parsed.ok && (kind === 'all' || parsed.row.kind === kind)) {
            if (rowNumber >= offset) rows.push(parsed.row);
            rowNumber++;
          }
        }
        start = newline + 1;
      }
      carry = start <= last ? null : Buffer.from(buf.subarray(last + 1));
      if (carry && carry.length === 0) carry = null;
      await slice.maybeYield();
    }
    return rows;
  } finally {
    await opened.handle.close().catch(() => undefined);
  }
}
