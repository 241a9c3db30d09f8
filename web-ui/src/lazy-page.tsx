// Pages whose code is fetched when someone first opens them, not on the first
// load: `lazyPage(() => import('./settings/Settings').then((m) => m.Settings))`.
// esbuild makes each import() a chunk of its own (web-ui/build.mjs), so the
// login page and the dashboard do not carry the settings forms, the walk test
// or the routing pages. While the chunk comes: "Loading…". When it cannot come
// — most often the daemon was upgraded since this page was opened, so the old
// build's chunk names are gone (404), or the appliance is out of reach — the
// page says so and offers to reload (the new index.html names the new build).
import type { ComponentType, FunctionComponent } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n';

export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): FunctionComponent<P> {
  let Page: ComponentType<P> | null = null;
  let pending: Promise<unknown> | null = null;
  // One fetch for every page instance; a failed one is forgotten so that the next visit tries again.
  const fetchOnce = () =>
    (pending ??= load().then(
      (c) => {
        Page = c;
      },
      (e: unknown) => {
        pending = null;
        throw e;
      },
    ));

  return function LazyPage(props: P) {
    const [state, setState] = useState<'loading' | 'loaded' | 'failed'>(Page ? 'loaded' : 'loading');
    useEffect(() => {
      if (Page) return;
      let mounted = true;
      fetchOnce().then(
        () => mounted && setState('loaded'),
        () => mounted && setState('failed'),
      );
      return () => {
        mounted = false;
      };
    }, []);
    if (Page) return <Page {...props} />;
    if (state === 'failed') return <PageLoadFailed />;
    return (
      <p class="muted" role="status" data-testid="page-loading">
        {t('app.loading')}
      </p>
    );
  };
}

function PageLoadFailed() {
  return (
    <section class="msg msg-error" role="alert" data-testid="page-load-failed">
      <p>{t('app.pageLoadFailed')}</p>
      <p>
        <button type="button" data-testid="page-reload" onClick={() => location.reload()}>
          {t('app.reload')}
        </button>
      </p>
    </section>
  );
}
