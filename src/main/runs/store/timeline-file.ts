/**
 * timeline.json in a run's folder: the callback timeline as the run ended, so History can
 * show what its callbacks cost after the trainer is gone. Written atomically; a file that
 * does not read as a timeline reads as none (it is a diagnostic, never worth an error).
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TimelineSchema, type Timeline } from '../../../shared/timeline';
import { writeFileAtomic } from '../../fs/atomic-write';

export const TIMELINE_FILE = 'timeline.json';

export async function writeTimeline(runDir: string, timeline: Timeline): Promise<void> {
  await writeFileAtomic(join(runDir, TIMELINE_FILE), `${JSON.stringify(timeline)}\n`);
}

export async function readTimeline(runDir: string): Promise<Timeline | null> {
  const text = await readFile(join(runDir, TIMELINE_FILE), 'utf8').catch(() => null);
  if (text === null) return null;
  try {
    const parsed = TimelineSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
