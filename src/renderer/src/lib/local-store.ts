/**
 * safeStorage: the browser's localStorage where it can be used (null where it is missing
 * or disabled), behind the small interface the settings need — typed here so unit tests
 * type-check without the DOM library and can pass an in-memory store.
 */

export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export function safeStorage(): KeyValueStore | null {
  try {
    // Reading localStorage throws where storage is disabled; it is absent outside a browser.
    return (globalThis as { localStorage?: KeyValueStore }).localStorage ?? null;
  } catch {
    return null;
  }
}
