import { useTitle } from '../hooks';
import { t } from '../i18n';
import { HREF } from '../router';

/** Shown for an unknown route, or one the user's role may not open. */
export function NotAvailable({ reason }: { reason: 'forbidden' | 'notFound' }) {
  const title = reason === 'forbidden' ? t('forbidden.title') : t('notFound.title');
  useTitle(title);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{title}</h1>
      {reason === 'forbidden' && <p>{t('forbidden.text')}</p>}
      <p>
        <a href={HREF.dashboard}>{t('notFound.back')}</a>
      </p>
    </section>
  );
}
