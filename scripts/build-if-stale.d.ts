/** Types for build-if-stale.js (imported by Playwright's global setup). */
export const root: string;
export function staleReason(): string | null;
export function ensureBuilt(options?: { quiet?: boolean }): boolean;
