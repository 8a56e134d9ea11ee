/** The app's shared state, handed to views through Svelte context (set once in App). */
import { getContext, setContext } from 'svelte';
import type { LabApi } from '../../../shared/api';
import type { DraftState } from './draft.svelte';
import type { MetricsCache } from './live-metrics.svelte';
import type { Router } from './router.svelte';
import type { RunsState } from './runs.svelte';
import type { SystemState } from './system.svelte';
import type { Toasts } from './toasts.svelte';

export interface AppContext {
  lab: LabApi;
  runs: RunsState;
  metrics: MetricsCache;
  draft: DraftState;
  router: Router;
  system: SystemState;
  toasts: Toasts;
}

const KEY = Symbol('runlab-app');

export function setAppContext(ctx: AppContext): void {
  setContext(KEY, ctx);
}

export function getAppContext(): AppContext {
  const ctx = getContext<AppContext | undefined>(KEY);
  if (!ctx) throw new Error('getAppContext: called outside <App>');
  return ctx;
}
