/** The metrics-at-scale benchmark's result (bench/store-metrics.ts) and its lines in the report. */

export interface PhaseResult {
  /** Median time of the request(s), ms. */
  ms: number;
  /** CPU time the host process used per request (user + system), ms: the cost apart from waiting for a core. */
  host_cpu_ms: number;
  /** Longest the other client waited for a `listRuns` reply meanwhile, ms. */
  max_client_wait_ms: number;
  /** Longest stall of the host's event loop meanwhile, ms. */
  max_stall_ms: number;
  /** 99th percentile of the event loop's delay meanwhile, ms. */
  p99_stall_ms: number;
  repeats: number;
  note?: string;
}

export interface StoreSizeResult {
  rows: number;
  file_mb: number;
  phases: Record<'open_cold' | 'open_warm' | 'open_restarted' | 'zoom' | 'page' | 'append_then_view' | 'get_metrics', PhaseResult>;
  host_rss_mb: number;
}

export interface StoreBenchResult {
  sizes: StoreSizeResult[];
  load_average: string;
  buckets: number;
}

const PHASE_LABELS: Record<keyof StoreSizeResult['phases'], string> = {
  open_cold: 'open in Compare, cold (first read)',
  open_warm: 'open in Compare, warm',
  open_restarted: 'open in Compare, host restarted',
  zoom: 'zoomed view (5% of the run)',
  page: 'page of 10,000 rows',
  append_then_view: 'view after 10,000 appended rows',
  get_metrics: 'getMetrics (all rows)',
};

export function formatStoreBench(result: StoreBenchResult): string[] {
  const lines = [`Metrics at scale (host process, ${result.buckets}-bucket views; load ${result.load_average}):`];
  for (const size of result.sizes) {
    lines.push(`  ${size.rows.toLocaleString('en-US')} rows (${size.file_mb} MB metrics.jsonl), host RSS after: ${size.host_rss_mb} MB`);
    for (const [key, label] of Object.entries(PHASE_LABELS) as [keyof StoreSizeResult['phases'], string][]) {
      const p = size.phases[key];
      lines.push(
        `    ${label.padEnd(36)} ${String(p.ms).padStart(8)} ms (host CPU ${String(p.host_cpu_ms).padStart(5)} ms)   longest stall ${String(p.max_stall_ms).padStart(6)} ms (p99 ${p.p99_stall_ms} ms)   other client waited ≤ ${p.max_client_wait_ms} ms${p.note ? `   (${p.note})` : ''}`,
      );
    }
  }
  return lines;
}
