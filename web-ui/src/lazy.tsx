// Pages few visits open (the operations pages: log, phones, maintenance, the
// audit log) are chunks of their own (esbuild splitting, web-ui/build.mjs),
// fetched the first time one is shown: the first load carries what the
// login, the dashboard and the alarms need, nothing more (`make bench`:
// first load on the wire).
import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { t } from './i18n';

/** A page component that loads its module on first render (once; again after a failure). */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let pending: Promise<ComponentType<P>> | undefined;
  return function LazyPage(props: P) {
    const [Page, setPage] = useState<ComponentType<P> | undefined>(() => loaded);
    const [failed, setFailed] = useState<string | null>(null);
    useEffect(() => {
      if (Page) return;
      let mounted = true;
      pending ??= load();
      pending.then(
        (c) => {
          loaded = c;
          if (mounted) setPage(() => c);
        },
        (e: unknown) => {
          pending = undefined; // the next visit tries again
          if (mounted) setFailed(e instanceof Error ? e.message : String(e));
        },
      );
      return () => {
        mounted = false;
      };
    }, []);
    if (Page) return <Page {...props} />;
    if (failed !== null) {
      // The browser's own words (English) go in the tooltip; the reader gets theirs.
      return (
        <p class="msg msg-error" role="alert" title={failed} data-testid="page-load-failed">
          {t('app.pageFailed')}{' '}
          <button type="button" class="btn btn-small" onClick={() => location.reload()}>
            {t('app.reload')}
          </button>
        </p>
      );
    }
    return (
      <p class="muted" role="status">
        {t('app.loading')}
      </p>
    );
  };
}
