// Shown above the page while the event stream is down: what is on screen may
// be out of date (it is greyed), since when, and why the buttons do nothing.
import { formatTime } from '../format';
import { t } from '../i18n';
import type { StreamStatus } from '../sse';

export function StaleNotice({ status, lastHeard }: { status: StreamStatus; lastHeard: number | null }) {
  return (
    <p class="msg msg-error stale-notice" role="alert" data-testid="stale-notice" data-status={status}>
      <strong>{t(status === 'connecting' ? 'stale.connecting' : 'stale.disconnected')}</strong>{' '}
      {lastHeard !== null && (
        <span data-testid="stale-since">{t('stale.lastUpdate', { time: formatTime(lastHeard) })}</span>
      )}{' '}
      {t('stale.actions')}
    </p>
  );
}
