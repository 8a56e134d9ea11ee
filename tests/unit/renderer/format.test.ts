import { describe, expect, it } from 'vitest';
import {
  elapsedMs,
  estimateRemainingMs,
  formatDateTime,
  formatDuration,
  formatEta,
  formatInt,
  formatLoss,
  formatLr,
  formatNumber,
  formatPercent,
  formatRate,
  formatShortTime,
} from '../../../src/renderer/src/lib/format';

describe('formatters', () => {
  it('durations read like a person writes them', () => {
    expect(formatDuration(850)).toBe('0.9s');
    expect(formatDuration(42_000)).toBe('42s');
    expect(formatDuration(185_000)).toBe('3m 05s');
    expect(formatDuration(3_720_000)).toBe('1h 02m');
  });

  it('missing or non-finite values become a dash, never "NaN" or "undefined"', () => {
    for (const f of [formatDuration, formatEta, formatNumber, formatLoss, formatPercent, formatLr, formatInt, formatRate]) {
      expect(f(null)).toBe('—');
      expect(f(undefined)).toBe('—');
      expect(f(Number.NaN)).toBe('—');
      expect(f(Number.POSITIVE_INFINITY)).toBe('—');
    }
    expect(formatDateTime(null)).toBe('—');
    expect(formatDateTime('not a date')).toBe('—');
  });

  it('numbers keep four significant digits and switch to exponents when tiny', () => {
    expect(formatLoss(0.234567)).toBe('0.2346');
    expect(formatLoss(2.302585)).toBe('2.303');
    expect(formatLoss(0.0000123456)).toBe('1.235e-5');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(1234567)).toBe('1.235e6');
  });

  it('learning rates are compact: 0.5, 0.1, 3e-3, 1.5e-4', () => {
    expect(formatLr(0.5)).toBe('0.5');
    expect(formatLr(0.1)).toBe('0.1');
    expect(formatLr(0.003)).toBe('3e-3');
    expect(formatLr(0.00015)).toBe('1.5e-4');
    expect(formatLr(0.01)).toBe('0.01');
  });

  it('accuracies, counts and throughput', () => {
    expect(formatPercent(0.97123)).toBe('97.12%');
    expect(formatPercent(1, 0)).toBe('100%');
    expect(formatInt(12345)).toBe('12,345');
    expect(formatRate(950)).toBe('950/s');
    expect(formatRate(31_234)).toBe('31.2k/s');
    expect(formatRate(31_234, 'samples')).toBe('31.2k samples/s');
    expect(formatRate(950, 'samples')).toBe('950 samples/s');
  });

  it('ETA is the rate so far times what is left', () => {
    expect(estimateRemainingMs(10_000, 100, 400)).toBe(30_000);
    expect(estimateRemainingMs(10_000, 400, 400)).toBe(0);
    expect(estimateRemainingMs(10_000, 0, 400)).toBeNull();
    expect(formatEta(30_000)).toBe('30s');
    expect(formatEta(0)).toBe('0s');
  });

  it('elapsed time runs to now while a run has no end', () => {
    const start = '2024-05-01T10:00:00.000Z';
    expect(elapsedMs(start, '2024-05-01T10:01:30.000Z', 0)).toBe(90_000);
    expect(elapsedMs(start, null, Date.parse(start) + 5000)).toBe(5000);
    expect(elapsedMs(null, null, 0)).toBeNull();
  });

  it('dates are local "YYYY-MM-DD HH:MM"; short times drop the date on the same day', () => {
    const d = new Date(2024, 4, 1, 9, 5);
    expect(formatDateTime(d.toISOString())).toBe('2024-05-01 09:05');
    expect(formatShortTime(d.toISOString(), new Date(2024, 4, 1, 18, 0).getTime())).toBe('09:05');
    expect(formatShortTime(d.toISOString(), new Date(2024, 4, 2, 8, 0).getTime())).toBe('05-01');
  });
});
