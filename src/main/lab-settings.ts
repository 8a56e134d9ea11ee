/**
 * The lab's own settings, in `<data folder>/settings.json`: what a person chose in the UI
 * that the main side must remember across starts (today: how many runs train at once). A
 * missing or damaged file reads as the defaults and is never what stops the lab starting.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { MAX_CONCURRENCY } from '../shared/api';
import { writeFileAtomic } from './fs/atomic-write';

export const SETTINGS_FILE = 'settings.json';

const LabSettingsSchema = z.object({
  concurrency: z.number().int().min(1).max(MAX_CONCURRENCY).default(1),
});
export type LabSettings = z.infer<typeof LabSettingsSchema>;

export async function readLabSettings(dataDir: string): Promise<LabSettings> {
  try {
    const parsed = LabSettingsSchema.safeParse(JSON.parse(await readFile(join(dataDir, SETTINGS_FILE), 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // Missing or not JSON: the defaults.
  }
  return LabSettingsSchema.parse({});
}

export async function writeLabSettings(dataDir: string, change: Partial<LabSettings>): Promise<LabSettings> {
  const next = LabSettingsSchema.parse({ ...(await readLabSettings(dataDir)), ...change });
  await mkdir(dataDir, { recursive: true });
  await writeFileAtomic(join(dataDir, SETTINGS_FILE), `${JSON.stringify(next, null, 2)}\n`);
  return next;
}
