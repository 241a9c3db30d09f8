// Hash routing (#/alarms, #/, #/faults, #/board, #/lines, #/calls, #/live, #/users, #/audit[?filters], #/account,
// #/logs, #/phones, #/maintenance,
// #/desk[?big=1], #/settings/<section>, #/walk-test[/report/<id>], #/routing/<page>) and the /setup entry URL.
import { useEffect, useState } from 'preact/hooks';

export type Route = 'alarms' | 'dashboard' | 'faults' | 'board' | 'lines' | 'calls' | 'live' | 'users' | 'audit' | 'logs' | 'phones' | 'maintenance' | 'account' | 'settings' | 'walk-test' | 'routing' | 'desk' | 'notfound';

const ROUTES: Record<string, Route> = {
  '': 'dashboard',
  '#': 'dashboard',
  '#/': 'dashboard',
  '#/alarms': 'alarms',
  '#/faults': 'faults',
  '#/board': 'board',
  '#/lines': 'lines',
  '#/calls': 'calls',
  '#/live': 'live',
  '#/users': 'users',
  '#/audit': 'audit',
  '#/logs': 'logs',
  '#/phones': 'phones',
  '#/maintenance': 'maintenance',
  '#/account': 'account',
  '#/settings': 'settings',
  '#/walk-test': 'walk-test',
  '#/routing': 'routing',
  '#/desk': 'desk',
};

/** Pages with their own sub-pages after the route (#/settings/points, #/walk-test/report/3). */
const PREFIXES: Array<[string, Route]> = [
  ['#/settings/', 'settings'],
  ['#/walk-test/', 'walk-test'],
  ['#/routing/', 'routing'],
];

export const HREF: Record<Exclude<Route, 'notfound'>, string> = {
  alarms: '#/alarms',
  dashboard: '#/',
  faults: '#/faults',
  board: '#/board',
  lines: '#/lines',
  calls: '#/calls',
  live: '#/live',
  users: '#/users',
  audit: '#/audit',
  logs: '#/logs',
  phones: '#/phones',
  maintenance: '#/maintenance',
  account: '#/account',
  settings: '#/settings',
  'walk-test': '#/walk-test',
  routing: '#/routing',
  desk: '#/desk',
};

export function parseRoute(hash: string): Route {
  const path = hash.split('?')[0].replace(/\/+$/, '') || '#/';
  return ROUTES[path] ?? ROUTES[path + '/'] ?? PREFIXES.find(([p]) => path.startsWith(p))?.[1] ?? 'notfound';
}

/** The first-run page is served at /setup with the one-time token in the hash. */
export function isSetupPath(pathname: string): boolean {
  return /\/setup\/?$/.test(pathname);
}

export function readSetupToken(hash: string): string | null {
  const token = new URLSearchParams(hash.replace(/^#/, '')).get('token');
  return token ? token : null;
}

/** The setup token in the current hash; follows hash edits (e.g. a pasted link). */
export function useSetupToken(): string | null {
  const [token, setToken] = useState(() => readSetupToken(location.hash));
  useEffect(() => {
    const update = () => setToken(readSetupToken(location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return token;
}

const listeners = new Set<() => void>();

/** Replace the URL without a history entry, then re-read the route. */
export function replaceUrl(url: string): void {
  history.replaceState(null, '', url);
  for (const fn of listeners) fn();
}

export function useRoute(): Route {
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', update);
    listeners.add(update);
    return () => {
      window.removeEventListener('hashchange', update);
      listeners.delete(update);
    };
  }, []);
  return route;
}
