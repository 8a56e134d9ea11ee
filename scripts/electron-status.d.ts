/** Types for electron-status.js (imported by the Playwright Electron spec and `runlab start`). */
export type ElectronStatus = { ok: true; binary: string } | { ok: false; reason: string; downloadable: boolean; packageDir?: string };
export function electronStatus(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform, packageDir?: string | null): ElectronStatus;
