/**
 * The colour theme: the person's choice (system, light or dark; kept in localStorage) and
 * what it resolves to — "system" follows the OS's prefers-color-scheme live. start() puts
 * the resolved theme on <html data-theme> before the first paint (no light flash), and
 * Chart.js, which cannot read CSS, redraws from `resolved`.
 */
import { safeStorage } from './local-store';

export const THEME_CHOICES = ['system', 'light', 'dark'] as const;
export type ThemeChoice = (typeof THEME_CHOICES)[number];
const STORAGE_KEY = 'runlab.theme';

function systemPrefersDark(): boolean {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches;
}

class Theme {
  choice = $state<ThemeChoice>(loadChoice());
  #systemDark = $state(systemPrefersDark());
  resolved = $derived<'light' | 'dark'>(this.choice === 'system' ? (this.#systemDark ? 'dark' : 'light') : this.choice);

  set(choice: ThemeChoice): void {
    this.choice = choice;
    safeStorage()?.setItem(STORAGE_KEY, choice);
    this.#apply();
  }

  /** Follows the OS setting and keeps <html data-theme> in step; returns the stop function. */
  start(): () => void {
    this.#apply();
    if (typeof matchMedia !== 'function') return () => undefined;
    const query = matchMedia('(prefers-color-scheme: dark)');
    const onChange = () => {
      this.#systemDark = query.matches;
      this.#apply();
    };
    query.addEventListener('change', onChange);
    return () => query.removeEventListener('change', onChange);
  }

  #apply(): void {
    document.documentElement.dataset.theme = this.resolved;
  }
}

function loadChoice(): ThemeChoice {
  try {
    const saved = safeStorage()?.getItem(STORAGE_KEY);
    return (THEME_CHOICES as readonly string[]).includes(saved ?? '') ? (saved as ThemeChoice) : 'system';
  } catch {
    return 'system';
  }
}

export const theme = new Theme();

/** A CSS custom property's current value (for canvas drawing, which has no CSS). */
export function cssVar(name: string, fallback: string): string {
  if (typeof document === 'undefined') return fallback;
  return getComputedStyle(document.documentElement).getPropertyValue(name).trim() || fallback;
}
