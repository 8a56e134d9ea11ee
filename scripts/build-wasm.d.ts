/** Types for build-wasm.js (imported by the unit test that keeps .wat and module in step). */
export const root: string;
export function watFiles(dir?: string): string[];
export function modulePath(watPath: string): string;
export function compileWat(watPath: string): Promise<Uint8Array>;
export function moduleSource(watPath: string, bytes: Uint8Array): string;
