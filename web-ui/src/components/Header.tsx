import { t } from '../i18n';
import { HREF, type Route } from '../router';
import type { StreamStatus } from '../sse';
import { canSeeAudit, canSeeUsers, type Health, type SessionUser } from '../types';
import { LangSwitch } from './LangSwitch';
import { StatusBadge } from './StatusBadge';

interface HeaderProps {
  health: Health | null;
  user: SessionUser | null;
  live: StreamStatus;
  route: Route;
  /** Open alarms (not tests): a red banner on every page while there are any. */
  openAlarms: number;
  /** Open supervision faults: an amber count beside the status (less urgent than an alarm). */
  openFaults: number;
  onLogout: () => void;
}

export function Header({ health, user, live, route, openAlarms, openFaults, onLogout }: HeaderProps) {
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
        {user && health && (
          <a href={HREF.dashboard} class="topbar-status" title={t('dashboard.overall')}>
            <StatusBadge status={health.status} />
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
      {user && openAlarms > 0 && <AlarmBanner count={openAlarms} />}
      {user && <Nav role={user.role} route={route} openFaults={openFaults} />}
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

function AlarmBanner({ count }: { count: number }) {
  return (
    <div class="alarm-banner" role="alert">
      <a href={HREF.alarms} data-testid="alarm-banner" data-count={count}>
        {t(count === 1 ? 'alarms.bannerOne' : 'alarms.banner', { count })}
      </a>
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
        {canSeeUsers(role) && item('users', t('nav.users'))}
        {canSeeAudit(role) && item('audit', t('nav.audit'))}
        {item('account', t('nav.account'))}
      </ul>
    </nav>
  );
}
