import { describe, expect, it } from 'vitest';
import { GO_KEYS, isShortcutEvent, SHORTCUTS } from '../../../src/renderer/src/lib/shortcuts';

const key = (k: string, target: Record<string, unknown> = { tagName: 'BODY' }, mods: Record<string, boolean> = {}) => ({
  key: k,
  ctrlKey: false,
  altKey: false,
  metaKey: false,
  defaultPrevented: false,
  target,
  ...mods,
});

describe('keyboard shortcuts', () => {
  it('takes plain keys outside text entry, never typing or browser shortcuts', () => {
    expect(isShortcutEvent(key('h'))).toBe(true);
    expect(isShortcutEvent(key('?'))).toBe(true);
    expect(isShortcutEvent(key('h', { tagName: 'INPUT', type: 'search' }))).toBe(false);
    expect(isShortcutEvent(key('h', { tagName: 'INPUT', type: 'checkbox' }))).toBe(true);
    expect(isShortcutEvent(key('h', { tagName: 'TEXTAREA' }))).toBe(false);
    expect(isShortcutEvent(key('h', { tagName: 'SELECT' }))).toBe(false);
    expect(isShortcutEvent(key('h', { tagName: 'DIV', isContentEditable: true }))).toBe(false);
    expect(isShortcutEvent(key('c', undefined, { ctrlKey: true }))).toBe(false);
    expect(isShortcutEvent(key('c', undefined, { metaKey: true }))).toBe(false);
    expect(isShortcutEvent(key('ArrowDown'))).toBe(false);
    expect(isShortcutEvent(key('h', undefined, { defaultPrevented: true }))).toBe(false);
  });

  it('lists every view key it acts on', () => {
    for (const k of Object.keys(GO_KEYS)) expect(SHORTCUTS.some((s) => s.keys === k)).toBe(true);
  });
});
