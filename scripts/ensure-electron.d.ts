/** Types for ensure-electron.js (used by `runlab start` and its tests). */
import type { ElectronStatus } from './electron-status.js';
export function downloadElectron(packageDir: string, env?: NodeJS.ProcessEnv): Promise<string | null>;
export function ensureElectron(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform, packageDir?: string): Promise<ElectronStatus>;
