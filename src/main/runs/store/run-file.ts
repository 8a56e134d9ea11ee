/**
 * readRunFile: reads and validates one run.json. Anything wrong comes back as a reason
 * naming the file and the problem, so the run can be listed as damaged and left untouched.
 */
import { readFile } from 'node:fs/promises';
import { RUN_SCHEMA_VERSION, RunRecordSchema, type RunRecord } from '../../../shared/records';
import { describeIssues } from './describe-issues';

export type RunFileRead = { ok: true; record: RunRecord } | { ok: false; missing: boolean; reason: string };

export async function readRunFile(file: string, folderId: string): Promise<RunFileRead> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { ok: false, missing: true, reason: `${file} is missing` };
    return { ok: false, missing: false, reason: `${file} cannot be read (${code ?? (error as Error).message})` };
  }
  const parsed = parseRunJson(text, file, folderId);
  return parsed.ok ? parsed : { ...parsed, missing: false };
}

export function parseRunJson(
  text: string,
  file: string,
  folderId: string,
): { ok: true; record: RunRecord } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { ok: false, reason: `${file} is not valid JSON (${(error as Error).message})` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: `${file} does not hold a run record (expected a JSON object)` };
  }
  const version = (value as { schema?: unknown }).schema;
  if (version !== RUN_SCHEMA_VERSION) {
    const shown = version === undefined ? 'no schema version' : `schema version ${JSON.stringify(version)}`;
    return {
      ok: false,
      reason: `${file} has ${shown}; this Runlab reads version ${RUN_SCHEMA_VERSION} (the file may come from a newer Runlab)`,
    };
  }
  const parsed = RunRecordSchema.safeParse(value);
  if (!parsed.success) return { ok: false, reason: `${file} is not a valid run record: ${describeIssues(parsed.error)}` };
  if (parsed.data.id !== folderId) {
    return { ok: false, reason: `${file} says its id is ${JSON.stringify(parsed.data.id)} but its folder is ${JSON.stringify(folderId)}` };
  }
  return { ok: true, record: parsed.data };
}

/** Pretty-printed with a trailing newline: a person may open run.json in an editor. */
export function formatRunJson(record: RunRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}
