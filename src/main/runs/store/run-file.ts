/**
 * readRunFile: reads and validates one run.json. Anything wrong — not a plain file, too big,
 * not JSON, any shape that is not a run record — comes back as a reason naming the file and
 * the problem (never quoting its content), with the fields that are still readable, so the
 * run is listed as damaged and left untouched. Nothing a file holds can make it throw.
 */
import { boundText, ERROR_TEXT_MAX } from '../../../shared/excerpt';
import { describeJsonError } from '../../../shared/json-error';
import { RUN_SCHEMA_VERSION, RunRecordSchema, type ReadableRunFields, type RunRecord } from '../../../shared/records';
import { formatBytes, readRegularFile } from '../../fs/regular-file';
import { describeIssues } from './describe-issues';

/** Far above any record Runlab writes (notes ≤ 20,000 characters, errors bounded). */
export const MAX_RUN_FILE_BYTES = 64 * 1024 * 1024;
/** A reason names a path and a problem; this bounds it whatever the file held. */
const REASON_MAX = 1000;

export type RunFileRead = { ok: true; record: RunRecord } | { ok: false; missing: boolean; reason: string; readable?: ReadableRunFields };

export async function readRunFile(file: string, folderId: string): Promise<RunFileRead> {
  const read = await readRegularFile(file, MAX_RUN_FILE_BYTES);
  if (!read.ok) {
    const why =
      read.problem === 'missing'
        ? 'is missing'
        : read.problem === 'not-a-file'
          ? `is a ${read.kind ?? 'special file'}, not a file`
          : read.problem === 'too-big'
            ? `is ${formatBytes(read.size ?? 0)}, more than a run record can be (${formatBytes(MAX_RUN_FILE_BYTES)})`
            : `cannot be read (${read.code ?? 'unknown error'})`;
    return { ok: false, missing: read.problem === 'missing', reason: bounded(`${file} ${why}`) };
  }
  const parsed = parseRunJson(read.data.toString('utf8'), file, folderId);
  return parsed.ok ? parsed : { ...parsed, missing: false };
}

export function parseRunJson(
  text: string,
  file: string,
  folderId: string,
): { ok: true; record: RunRecord } | { ok: false; reason: string; readable?: ReadableRunFields } {
  try {
    return parseUnsafe(text, file, folderId);
  } catch (error) {
    // A validator bug must not take the list down with it: the run is damaged, the others are listed.
    return { ok: false, reason: bounded(`${file} could not be checked (${error instanceof Error ? error.message : String(error)})`) };
  }
}

function parseUnsafe(
  text: string,
  file: string,
  folderId: string,
): { ok: true; record: RunRecord } | { ok: false; reason: string; readable?: ReadableRunFields } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: bounded(`${file} is not valid JSON (${describeJsonError(error)})`) };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const found = value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`;
    return { ok: false, reason: bounded(`${file} does not hold a run record (expected a JSON object, found ${found})`) };
  }
  const readable = readableFields(value as Record<string, unknown>);
  const version = (value as { schema?: unknown }).schema;
  if (version !== RUN_SCHEMA_VERSION) {
    const shown = version === undefined ? 'no schema version' : `schema version ${boundText(JSON.stringify(version) ?? '?', 40)}`;
    return {
      ok: false,
      reason: bounded(`${file} has ${shown}; this Runlab reads version ${RUN_SCHEMA_VERSION} (the file may come from a newer Runlab)`),
      readable,
    };
  }
  const parsed = RunRecordSchema.safeParse(value);
  if (!parsed.success)
    return { ok: false, reason: bounded(`${file} is not a valid run record: ${describeIssues(parsed.error)}`), readable };
  if (parsed.data.id !== folderId) {
    return {
      ok: false,
      reason: bounded(`${file} says its id is ${JSON.stringify(parsed.data.id)} but its folder is ${JSON.stringify(folderId)}`),
      readable,
    };
  }
  const record = parsed.data;
  // Older Runlabs stored errors unbounded (a 60 MB CSV cell in one): read them shortened.
  if (record.error !== null && record.error.length > ERROR_TEXT_MAX) record.error = boundText(record.error);
  return { ok: true, record };
}

const READABLE_KEYS = [
  'name',
  'tags',
  'notes',
  'config',
  'status',
  'backend',
  'device',
  'created',
  'started',
  'ended',
  'summary',
  'error',
] as const;

/** Each field of the record that is valid on its own, checked with the record's own schema for it. */
function readableFields(value: Record<string, unknown>): ReadableRunFields | undefined {
  const out: Record<string, unknown> = {};
  for (const key of READABLE_KEYS) {
    if (!Object.hasOwn(value, key)) continue;
    const parsed = RunRecordSchema.shape[key].safeParse(value[key]);
    if (parsed.success) out[key] = key === 'error' && typeof parsed.data === 'string' ? boundText(parsed.data) : parsed.data;
  }
  return Object.keys(out).length > 0 ? (out as ReadableRunFields) : undefined;
}

function bounded(reason: string): string {
  return boundText(reason.replace(/\s*\n\s*/g, ' '), REASON_MAX);
}

/** Pretty-printed with a trailing newline: a person may open run.json in an editor. */
export function formatRunJson(record: RunRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
