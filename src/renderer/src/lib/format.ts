/**
 * Formatters for what the UI shows: durations, ETA, losses, accuracies, learning rates,
 * dates. Every one of them turns a missing or non-finite value into an em dash, so a
 * person never reads "undefined" or "NaN".
 */

export const DASH = '—';

const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

function isNum(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

/** 850 → "0.9s", 42_000 → "42s", 185_000 → "3m 05s", 3_720_000 → "1h 02m". */
export function formatDuration(ms: number | null | undefined): string {
  if (!isNum(ms) || ms < 0) return DASH;
  // Round in tenths first: (0.85).toFixed(1) is "0.8" in binary floating point.
  if (ms < 10_000) return `${(Math.round(ms / 100) / 10).toFixed(1)}s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 60) return `${totalSeconds}s`;
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = totalSeconds % 60;
  if (hours > 0) return `${hours}h ${String(minutes).padStart(2, '0')}m`;
  return `${minutes}m ${String(seconds).padStart(2, '0')}s`;
}

/** Remaining time from the rate so far: elapsed / done × remaining. */
export function estimateRemainingMs(elapsedMs: number, done: number, total: number): number | null {
  if (!isNum(elapsedMs) || !isNum(done) || !isNum(total) || done <= 0 || total <= 0) return null;
  if (done >= total) return 0;
  return (elapsedMs / done) * (total - done);
}

export function formatEta(ms: number | null | undefined): string {
  if (!isNum(ms)) return DASH;
  if (ms === 0) return '0s';
  return formatDuration(ms);
}

/** Four significant digits, exponent for tiny or huge values: 0.2345, 1.234e-5. */
export function formatNumber(v: number | null | undefined, digits = 4): string {
  if (!isNum(v)) return DASH;
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs < 1e-3 || abs >= 1e6) return trimExponent(v.toExponential(digits - 1));
  return String(Number(v.toPrecision(digits)));
}

export function formatLoss(v: number | null | undefined): string {
  return formatNumber(v, 4);
}

/** 0.97123 → "97.12%". */
export function formatPercent(v: number | null | undefined, decimals = 2): string {
  if (!isNum(v)) return DASH;
  return `${(v * 100).toFixed(decimals)}%`;
}

/** Learning rates as people write them: 0.5, 0.1, 3e-3, 1.5e-4. */
export function formatLr(v: number | null | undefined): string {
  if (!isNum(v)) return DASH;
  if (v !== 0 && Math.abs(v) < 0.01) return trimExponent(Number(v.toPrecision(4)).toExponential());
  return String(Number(v.toPrecision(4)));
}

export function formatInt(v: number | null | undefined): string {
  if (!isNum(v)) return DASH;
  return intFormat.format(v);
}

/** Throughput: 950 → "950/s", 31_234 → "31.2k/s"; with a unit, 31_234 → "31.2k samples/s". */
export function formatRate(v: number | null | undefined, unit = ''): string {
  if (!isNum(v)) return DASH;
  const per = unit ? ` ${unit}/s` : '/s';
  if (v >= 1000) return `${(v / 1000).toFixed(1)}k${per}`;
  return `${Math.round(v)}${per}`;
}

/** 312_000_000 → "298 MB", 1_500_000_000 → "1.4 GB" (powers of 1024, as system monitors show). */
export function formatBytes(v: number | null | undefined): string {
  if (!isNum(v) || v < 0) return DASH;
  const mb = v / (1024 * 1024);
  if (mb >= 1024) return `${(mb / 1024).toFixed(1)} GB`;
  return `${Math.round(mb)} MB`;
}

/** An ISO time as local "2024-05-01 14:03". */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** "14:03" for today, "05-01" for an earlier day: short enough for a side list. */
export function formatShortTime(iso: string | null | undefined, now: number): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  const pad = (n: number) => String(n).padStart(2, '0');
  const today = new Date(now);
  const sameDay = d.getFullYear() === today.getFullYear() && d.getMonth() === today.getMonth() && d.getDate() === today.getDate();
  return sameDay ? `${pad(d.getHours())}:${pad(d.getMinutes())}` : `${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** "12-02 14:03" within the year of `now`, "2023-12-02" before it: a table cell's width. */
export function formatCompactDateTime(iso: string | null | undefined, now: number): string {
  if (!iso) return DASH;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return DASH;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (d.getFullYear() !== new Date(now).getFullYear()) return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
  return `${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Milliseconds between two ISO times; the end defaults to `now` for a run still going. */
export function elapsedMs(startIso: string | null | undefined, endIso: string | null | undefined, now: number): number | null {
  if (!startIso) return null;
  const start = Date.parse(startIso);
  const end = endIso ? Date.parse(endIso) : now;
  if (Number.isNaN(start) || Number.isNaN(end)) return null;
  return Math.max(0, end - start);
}

function trimExponent(s: string): string {
  // "1.000e-5" → "1e-5", "1.230e-5" → "1.23e-5", "3e-3" stays.
  return s.replace(/\.?0+e/, 'e').replace('e+', 'e');
}
