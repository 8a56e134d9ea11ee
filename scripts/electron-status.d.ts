/** Types for electron-status.js (imported by the Playwright Electron spec). */
export type ElectronStatus = { ok: true; binary: string } | { ok: false; reason: string };
export function electronStatus(env?: NodeJS.ProcessEnv, platform?: NodeJS.Platform): ElectronStatus;
