/**
 * Where the admin is, kept in the address (hash routing): Back and Forward move inside the app,
 * and a reload comes back to the same screen. The route only names things (a procedure, a run);
 * the client loads what they refer to.
 */
import { create } from 'zustand';

export type Screen = 'choose' | 'inputs' | 'plan' | 'run' | 'report' | 'runs' | 'undo';

export type Route =
  | { screen: 'choose' }
  | { screen: 'runs' }
  | { screen: 'inputs' | 'plan'; procedureId: string }
  | { screen: 'run' | 'report' | 'undo'; runId: string };

export const HOME: Route = { screen: 'choose' };

/** `#/run/<id>` → the route; anything unknown (including the web host's `#token=`) is the first screen. */
export function routeFromHash(hash: string): Route {
  const [screen, id] = hash
    .replace(/^#\/?/, '')
    .split('/')
    .map((part) => safeDecode(part));
  if (screen === 'runs') return { screen };
  if ((screen === 'inputs' || screen === 'plan') && id) return { screen, procedureId: id };
  if ((screen === 'run' || screen === 'report' || screen === 'undo') && id) return { screen, runId: id };
  return HOME;
}

export function hashOf(route: Route): string {
  if ('procedureId' in route) return `#/${route.screen}/${encodeURIComponent(route.procedureId)}`;
  if ('runId' in route) return `#/${route.screen}/${encodeURIComponent(route.runId)}`;
  return `#/${route.screen}`;
}

function safeDecode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return '';
  }
}

export interface NavigationState {
  route: Route;
}

export const useNavigation = create<NavigationState>()(() => ({ route: routeFromHash(location.hash) }));

/** Shows a route: a new history entry (Back returns here), or `replace` for a correction the admin did not ask for. */
export function navigate(route: Route, options: { replace?: boolean } = {}): void {
  const hash = hashOf(route);
  if (location.hash !== hash) {
    if (options.replace) history.replaceState(history.state, '', hash);
    else history.pushState(history.state, '', hash);
  }
  useNavigation.setState({ route });
}

/** Follows Back/Forward and typed addresses; returns the function that stops listening. */
export function followHistory(onRoute: (route: Route) => void): () => void {
  const listener = () => {
    const route = routeFromHash(location.hash);
    useNavigation.setState({ route });
    onRoute(route);
  };
  window.addEventListener('popstate', listener);
  window.addEventListener('hashchange', listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener('hashchange', listener);
  };
}
