/**
 * runToJson: a run as a person or another tool reads it — what it is (name, config,
 * status, results) and its metrics in the CSV tables' shape — without the store's own
 * bookkeeping (schema version, owner process, live progress).
 */
import type { EpochRow, IterRow, MetricRow, RunRecord } from '../../../shared/records';
import { epochRecord, iterationRecord } from './export-csv';

/** Bump when the exported shape changes. */
export const EXPORT_FORMAT = 1;

export function runToJson(run: RunRecord, rows: readonly MetricRow[]): string {
  const { schema: _schema, owner_pid: _pid, owner_started: _started, progress: _progress, ...visible } = run;
  const out = {
    format: EXPORT_FORMAT,
    run: visible,
    epochs: rows.filter((r): r is EpochRow => r.kind === 'epoch').map(epochRecord),
    iterations: rows.filter((r): r is IterRow => r.kind === 'iter').map(iterationRecord),
  };
  return `${JSON.stringify(out, null, 2)}\n`;
}
