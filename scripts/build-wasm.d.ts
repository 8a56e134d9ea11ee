/** Types for build-wasm.js (imported by the unit tests that keep .wat and module in step). */
export const root: string;
export const WASM_BUILDS: [name: string, fma: boolean, shared: boolean][];
export function watFiles(dir?: string): string[];
export function modulePath(watPath: string): string;
export function withoutFma(text: string): string;
export function withSharedMemory(text: string): string;
export function compileWat(watPath: string): Promise<Record<string, Uint8Array>>;
export function moduleSource(watPath: string, builds: Record<string, Uint8Array>): string;
