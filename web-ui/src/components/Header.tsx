import { useState } from 'preact/hooks';
import { askNotifications, rememberAsked, shouldOfferNotifications } from '../alarm-alerts';
import { muteTone, unmuteTone, useTone } from '../alarm-tone';
import { formatTime, labelOf } from '../format';
import { t } from '../i18n';
import { HREF, type Route } from '../router';
import type { StreamStatus } from '../sse';
import { canMaintain, canSeeAudit, canSeeLogs, canSeeRegistrations, canSeeUsers, type Alarm, type CallPoint, type Health, type SessionUser } from '../types';
import { LangSwitch } from './LangSwitch';

interface HeaderProps {
  health: Health | null;
  user: SessionUser | null;
  live: StreamStatus;
  route: Route;
  /** Open alarms (not tests), worst first: a red banner on every page while there are any. */
  openAlarms: Alarm[];
  points: CallPoint[];
  /** Open supervision faults: an amber count beside the status (less urgent than an alarm). */
  openFaults: number;
  onLogout: () => void;
}

export type OverallState = 'ok' | 'alarm' | 'fault' | 'degraded' | 'down' | 'offline' | 'unknown';

/**
 * The one state the header shows: green only when the appliance says it is
 * healthy, no alarm and no fault is open, and this page is receiving live
 * updates — anything less is said, the worst first.
 */
export function overallState(health: Health | null, live: StreamStatus, openAlarms: number, openFaults: number): OverallState {
  if (live !== 'live') return 'offline';
  if (openAlarms > 0) return 'alarm';
  if (!health) return 'unknown';
  if (health.status === 'down') return 'down';
  if (openFaults > 0) return 'fault';
  if (health.status === 'degraded') return 'degraded';
  return 'ok';
}

const PILL_CLASS: Record<OverallState, string> = { ok: 'badge-ok', alarm: 'badge-alarm', fault: 'badge-degraded', degraded: 'badge-degraded', down: 'badge-down', offline: 'badge-offline', unknown: 'badge-unknown' };

export function Header({ health, user, live, route, openAlarms, points, openFaults, onLogout }: HeaderProps) {
  const overall = overallState(health, live, openAlarms.length, openFaults);
  return (
    <header class="topbar">
      <div class="topbar-row">
        <div class="brand">
          <span class="product">{t('app.name')}</span>
          {health && (health.site || health.node) && (
            <span class="where" data-testid="site-node">
              {health.site && <span title={t('header.site')}>{health.site}</span>}
              {health.site && health.node && <span aria-hidden="true"> · </span>}
              {health.node && <span title={t('header.node')}>{health.node}</span>}
            </span>
          )}
        </div>
        {user && (
          <a href={HREF.dashboard} class="topbar-status" title={t('dashboard.overall')}>
            <span class={`badge ${PILL_CLASS[overall]}`} data-testid="overall-pill" data-state={overall}>
              {t(`overall.${overall}`)}
            </span>
          </a>
        )}
        {user && openFaults > 0 && (
          <a href={HREF.faults} class="fault-count" data-testid="fault-indicator" data-count={openFaults}>
            {t(openFaults === 1 ? 'faults.countOne' : 'faults.count', { count: openFaults })}
          </a>
        )}
        {user && <LiveIndicator status={live} />}
        <div class="spacer" />
        <LangSwitch />
        {user && (
          <span class="who" title={t('header.signedInAs', { user: user.username })}>
            <span class="who-name" data-testid="current-user">{user.username}</span>
            <span class="who-role" data-testid="current-role" data-role={user.role}>
              {t(`role.${user.role}`)}
            </span>
          </span>
        )}
        {user && (
          <button type="button" class="btn btn-header" data-testid="logout" onClick={onLogout}>
            {t('header.logout')}
          </button>
        )}
      </div>
      {user && openAlarms.length > 0 && <AlarmBanner open={openAlarms} points={points} />}
      {user && <Nav role={user.role} route={route} openFaults={openFaults} />}
      {user && <NotificationOffer />}
    </header>
  );
}

function LiveIndicator({ status }: { status: StreamStatus }) {
  return (
    <span class={`live live-${status}`} data-testid="live-indicator" data-state={status} role="status">
      {t(`live.${status}`)}
    </span>
  );
}

/** The newest alarm by name, how many are open, and the tone: playing (mute it), muted (until when), or blocked by the browser. */
function AlarmBanner({ open, points }: { open: Alarm[]; points: CallPoint[] }) {
  const tone = useTone();
  const count = open.length;
  const newest = open.reduce((x, y) => (y.raisedAt > x.raisedAt ? y : x));
  const label = points.find((p) => p.id === newest.pointId)?.label || newest.pointId;
  return (
    <div class="alarm-banner" role="alert">
      <div class="alarm-banner-row">
        <a href={HREF.alarms} data-testid="alarm-banner" data-count={count} data-newest={newest.id}>
          <strong>{t('alarms.bannerNewest', { label, state: labelOf('alarmState', newest.state) })}</strong>
          <span class="alarm-banner-count">{t(count === 1 ? 'alarms.bannerOne' : 'alarms.banner', { count })}</span>
        </a>
        <span class="alarm-tone" data-testid="alarm-tone" data-state={tone.state} data-audio={tone.audio}>
          {tone.state === 'playing' && (
            <button type="button" class="btn btn-header" data-testid="alarm-mute" onClick={() => muteTone()}>
              {t('tone.mute')}
            </button>
          )}
          {tone.state === 'muted' && tone.mutedUntil !== null && (
            <>
              <span>{t('tone.mutedUntil', { time: formatTime(tone.mutedUntil) })}</span>{' '}
              <button type="button" class="btn btn-header" data-testid="alarm-unmute" onClick={unmuteTone}>
                {t('tone.unmute')}
              </button>
            </>
          )}
          {tone.state === 'blocked' && <span data-testid="tone-blocked">{t('tone.blocked')}</span>}
        </span>
      </div>
    </div>
  );
}

/** Desktop notifications for alarms while the tab is in the background: offered once, asked only when the user says yes. */
function NotificationOffer() {
  const [offer, setOffer] = useState(shouldOfferNotifications);
  if (!offer) return null;
  return (
    <div class="notify-offer" data-testid="notify-offer">
      <span>{t('notify.offer')}</span>
      <button type="button" class="btn btn-header" data-testid="notify-allow" onClick={() => void askNotifications().then(() => setOffer(false))}>
        {t('notify.allow')}
      </button>
      <button type="button" class="btn btn-header btn-quiet" data-testid="notify-later" onClick={() => (rememberAsked(), setOffer(false))}>
        {t('notify.later')}
      </button>
    </div>
  );
}

function Nav({ role, route, openFaults }: { role: SessionUser['role']; route: Route; openFaults: number }) {
  const item = (r: keyof typeof HREF, label: string, count = 0) => (
    <li>
      <a href={HREF[r]} data-testid={`nav-${r}`} aria-current={route === r ? 'page' : undefined}>
        {label}
        {count > 0 && (
          <>
            <span class="nav-count" aria-hidden="true">
              {count}
            </span>
            <span class="sr-only">{t(count === 1 ? 'faults.countOne' : 'faults.count', { count })}</span>
          </>
        )}
      </a>
    </li>
  );
  return (
    <nav class="tabs" aria-label={t('nav.label')}>
      <ul>
        {item('alarms', t('nav.alarms'))}
        {item('faults', t('nav.faults'), openFaults)}
        {item('dashboard', t('nav.dashboard'))}
        {item('board', t('nav.board'))}
        {item('lines', t('nav.lines'))}
        {item('calls', t('nav.calls'))}
        {item('live', t('nav.live'))}
        {item('settings', t('nav.settings'))}
        {item('walk-test', t('nav.walkTest'))}
        {item('routing', t('nav.routing'))}
        {item('desk', t('nav.desk'))}
        {canSeeUsers(role) && item('users', t('nav.users'))}
        {canSeeAudit(role) && item('audit', t('nav.audit'))}
        {canSeeRegistrations(role) && item('phones', t('nav.phones'))}
        {canSeeLogs(role) && item('logs', t('nav.logs'))}
        {canMaintain(role) && item('maintenance', t('nav.maintenance'))}
        {item('account', t('nav.account'))}
      </ul>
    </nav>
  );
}
