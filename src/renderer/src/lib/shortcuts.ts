/**
 * The keyboard shortcuts: one list (the ? dialog and Settings show it) and the matcher App
 * and the views use. Single keys, ignored while typing in a field or with Ctrl/Alt/Meta
 * held, so they never take a keystroke meant for the page or the browser.
 */
import type { ViewName } from './route';

export interface Shortcut {
  keys: string;
  description: string;
  /** Where it works: everywhere, or in one view. */
  scope: 'everywhere' | ViewName;
}

export const GO_KEYS: Record<string, ViewName> = { n: 'new', l: 'live', h: 'history', c: 'compare', ',': 'settings' };

export const SHORTCUTS: readonly Shortcut[] = [
  { keys: 'n', description: 'New run', scope: 'everywhere' },
  { keys: 'l', description: 'Live', scope: 'everywhere' },
  { keys: 'h', description: 'History', scope: 'everywhere' },
  { keys: 'c', description: 'Compare', scope: 'everywhere' },
  { keys: ',', description: 'Settings', scope: 'everywhere' },
  { keys: '/', description: 'Find: the filter of History, the run search of Compare', scope: 'everywhere' },
  { keys: '?', description: 'This list of shortcuts', scope: 'everywhere' },
  { keys: 'Esc', description: 'Close a menu or dialog (focus goes back where it was)', scope: 'everywhere' },
  { keys: '← → ↑ ↓', description: 'Move between the options of a segmented control, or the items of a menu', scope: 'everywhere' },
  { keys: 'r', description: 'Reset the chart’s zoom and axis range', scope: 'compare' },
  { keys: 'y', description: 'Switch the y axis between linear and log', scope: 'compare' },
];

/** The part of a KeyboardEvent the matcher reads (typed here: unit tests have no DOM library). */
export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  altKey: boolean;
  metaKey: boolean;
  defaultPrevented: boolean;
  target: unknown;
}

/** Only plain keys outside text entry are shortcuts. */
export function isShortcutEvent(e: KeyLike): boolean {
  if (e.defaultPrevented || e.ctrlKey || e.altKey || e.metaKey) return false;
  const el = e.target as { tagName?: string; isContentEditable?: boolean; type?: string } | null;
  const tag = el?.tagName?.toLowerCase();
  if (el?.isContentEditable) return false;
  if (tag === 'textarea' || tag === 'select') return false;
  if (tag === 'input' && !['checkbox', 'radio', 'button', 'range'].includes(el?.type ?? 'text')) return false;
  return e.key.length === 1;
}
