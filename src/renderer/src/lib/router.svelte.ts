/**
 * Router: the current view and its runs, mirrored to location.hash (see route.ts). It
 * remembers each view's last runs so the sidebar returns to what was on screen.
 */
import { formatRoute, parseRoute, type Route, type ViewName } from './route';

export class Router {
  route = $state.raw<Route>(parseRoute(location.hash));
  remembered = $state.raw<Partial<Record<ViewName, string[]>>>({});

  start(): () => void {
    this.#set(parseRoute(location.hash));
    const onHash = () => this.#set(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }

  /** `group`: History shows only that group's runs. */
  go(view: ViewName, runs: readonly string[] = [], group?: string): void {
    const next = formatRoute({ view, runs: [...runs], ...(group !== undefined ? { group } : {}) });
    if (location.hash !== next) location.hash = next;
    this.#set(parseRoute(next));
  }

  /** Changes the runs of the current view without adding a history entry per click. */
  replaceRuns(runs: readonly string[]): void {
    const next = formatRoute({ view: this.route.view, runs: [...runs] });
    history.replaceState(null, '', next);
    this.#set(parseRoute(next));
  }

  /** The sidebar link for a view: back to the runs it last showed. */
  href(view: ViewName): string {
    return formatRoute({ view, runs: this.remembered[view] ?? [] });
  }

  #set(route: Route): void {
    this.route = route;
    this.remembered = { ...this.remembered, [route.view]: route.runs };
  }
}
