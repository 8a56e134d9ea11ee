/**
 * Run ids: sortable by creation time (UTC) with a random suffix, and the check every
 * store method makes before an id becomes part of a path.
 */
import { randomBytes } from 'node:crypto';
import { LabError } from '../../../shared/api';
import { RUN_ID_PATTERN } from '../../../shared/records';

/** Windows device names: valid by the pattern, but never a folder we may create or read. */
const RESERVED_NAMES = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/i;

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** e.g. '20261126-194512-a3f9': UTC, so ids sort by time whatever the machine's time zone. */
export function newRunId(now: Date = new Date()): string {
  const date = `${now.getUTCFullYear()}${pad(now.getUTCMonth() + 1)}${pad(now.getUTCDate())}`;
  const time = `${pad(now.getUTCHours())}${pad(now.getUTCMinutes())}${pad(now.getUTCSeconds())}`;
  return `${date}-${time}-${randomBytes(2).toString('hex')}`;
}

/** A sweep's group id: "sweep-" and a run id's date, time and random part. */
export function newGroupId(now: Date = new Date()): string {
  return `sweep-${newRunId(now)}`;
}

/** The creation time a generated id encodes (ms since epoch), or null for other ids. */
export function runIdTime(id: string): number | null {
  const m = /^(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})-/.exec(id);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m.map(Number) as [number, number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  return Number.isNaN(ms) ? null : ms;
}

export function isValidRunId(id: unknown): id is string {
  return typeof id === 'string' && RUN_ID_PATTERN.test(id) && !RESERVED_NAMES.test(id);
}

/** Throws LabError 'invalid' (field 'id') unless `id` is a plain run id, never a path. */
export function assertRunId(id: unknown): asserts id is string {
  if (isValidRunId(id)) return;
  const shown = typeof id === 'string' ? JSON.stringify(id.slice(0, 80)) : typeof id;
  throw new LabError({
    code: 'invalid',
    field: 'id',
    message: `Run id ${shown} is not valid: expected 1-64 letters, digits, "-" or "_" (no paths)`,
  });
}
