/**
 * Hash routes, so a view and its runs survive a reload and tests can open them directly:
 * #/new, #/live?runs=a,b, #/history, #/compare?runs=a,b, #/run?runs=a (one run's model).
 */
export const VIEWS = ['new', 'live', 'history', 'compare', 'run'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface Route {
  view: ViewName;
  runs: string[];
}

export const DEFAULT_ROUTE: Route = { view: 'new', runs: [] };

export function parseRoute(hash: string): Route {
  const m = /^#?\/?([a-z]+)?(?:\?(.*))?$/.exec(hash.trim());
  const view = m?.[1] as ViewName | undefined;
  if (!view || !VIEWS.includes(view)) return { ...DEFAULT_ROUTE };
  const params = new URLSearchParams(m?.[2] ?? '');
  const runs = (params.get('runs') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return { view, runs: [...new Set(runs)] };
}

export function formatRoute(route: Route): string {
  const runs = route.runs.length > 0 ? `?runs=${route.runs.map(encodeURIComponent).join(',')}` : '';
  return `#/${route.view}${runs}`;
}
