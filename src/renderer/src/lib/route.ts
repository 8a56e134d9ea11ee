/**
 * Hash routes, so a view and its runs survive a reload and tests can open them directly:
 * #/new, #/live?runs=a,b, #/history, #/history?group=g (one sweep's runs), #/compare?runs=a,b,
 * #/run?runs=a (one run's model), #/settings.
 */
export const VIEWS = ['new', 'live', 'history', 'compare', 'run', 'settings'] as const;
export type ViewName = (typeof VIEWS)[number];

export interface Route {
  view: ViewName;
  runs: string[];
  /** History: only the runs of this group (a sweep). */
  group?: string;
}

export const DEFAULT_ROUTE: Route = { view: 'new', runs: [] };

const GROUP_PATTERN = /^[A-Za-z0-9_-]{1,100}$/;

export function parseRoute(hash: string): Route {
  const m = /^#?\/?([a-z]+)?(?:\?(.*))?$/.exec(hash.trim());
  const view = m?.[1] as ViewName | undefined;
  if (!view || !VIEWS.includes(view)) return { ...DEFAULT_ROUTE };
  const params = new URLSearchParams(m?.[2] ?? '');
  const runs = (params.get('runs') ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const group = params.get('group')?.trim() ?? '';
  return { view, runs: [...new Set(runs)], ...(GROUP_PATTERN.test(group) ? { group } : {}) };
}

export function formatRoute(route: Route): string {
  const params: string[] = [];
  if (route.runs.length > 0) params.push(`runs=${route.runs.map(encodeURIComponent).join(',')}`);
  if (route.group !== undefined) params.push(`group=${encodeURIComponent(route.group)}`);
  return `#/${route.view}${params.length > 0 ? `?${params.join('&')}` : ''}`;
}
