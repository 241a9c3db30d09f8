// #/routing/<page>: the route tester, night mode and the black/white lists,
// over GET /api/routing (trunks, night mode, lists, schedules), kept current
// by the `routing` events. Viewers see night mode; the tester and the lists
// are for technicians, as the API has it.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import { useTitle } from '../hooks';
import { canManageRouting, type Role, type RoutingView, type Subscribe } from '../types';
import { getRouting } from './api';
import { tr } from './i18n';
import { Lists } from './Lists';
import { NightMode } from './NightMode';
import { RouteTester } from './RouteTester';

export const ROUTING_HREF = '#/routing';
const PAGES = ['tester', 'night', 'lists'] as const;
type Page = (typeof PAGES)[number];

function usePage(): string | undefined {
  const read = () => location.hash.split('?')[0].split('/')[2] || undefined;
  const [page, setPage] = useState(read);
  useEffect(() => {
    const update = () => setPage(read());
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return page;
}

export function RoutingPages(p: { role: Role; subscribe: Subscribe; streamEpoch: number }) {
  useTitle(tr('title'));
  const tech = canManageRouting(p.role);
  const asked = usePage();
  const page: Page = (PAGES as readonly string[]).includes(asked ?? '') ? (asked as Page) : tech ? 'tester' : 'night';
  const [view, setView] = useState<RoutingView | null>(null);
  const [error, setError] = useState<{ text: string; status: number } | null>(null);

  const reload = useCallback(async () => {
    const r = await getRouting();
    if (!r.ok) return setError({ text: describeError(r), status: r.status });
    setError(null);
    setView(r.data);
  }, []);
  useEffect(() => void reload(), [reload, p.streamEpoch]);
  useEffect(() => p.subscribe('routing', (v) => setView(v)), [p.subscribe]);
  // A schedule opens or closes by the clock, not by an event: ask again when the next one is due.
  const due = view?.schedules.map((s) => s.next).filter((x): x is string => !!x).sort()[0];
  useEffect(() => {
    if (!due) return;
    const id = setTimeout(() => void reload(), Math.min(Math.max(Date.parse(due) - Date.now() + 1000, 1000), 2 ** 31 - 1));
    return () => clearTimeout(id);
  }, [due, reload]);

  let body;
  if (error) body = <p class="msg msg-error" role="alert" data-testid="routing-error">{error.status === 503 ? tr('notRunning') : error.text}</p>;
  else if (!view) body = <p class="muted" role="status">{tr('loading')}</p>;
  else if (page === 'night') body = <NightMode view={view} canChange={tech} onChanged={() => void reload()} />;
  else if (!tech) body = <p class="msg msg-info" data-testid="routing-tech-only">{tr('techOnly')}</p>;
  else if (page === 'tester') body = <RouteTester view={view} />;
  else body = <Lists view={view} />;

  return (
    <section aria-labelledby="page-title" class="settings">
      <h1 id="page-title">{tr('title')}</h1>
      <div class="settings-layout">
        <nav class="settings-nav" aria-label={tr('nav.label')}>
          <ul>
            {PAGES.filter((x) => tech || x === 'night').map((x) => (
              <li key={x}>
                <a href={`${ROUTING_HREF}/${x}`} data-testid={`routing-nav-${x}`} aria-current={page === x ? 'page' : undefined}>
                  {tr(`nav.${x}`)}
                </a>
              </li>
            ))}
          </ul>
        </nav>
        <div class="settings-page">{body}</div>
      </div>
    </section>
  );
}
