// Top level: session state, event stream, header and page routing.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { useAlarmAlerts } from './alarm-alerts';
import { resetTone, unlockAudioOnGesture } from './alarm-tone';
import { isRealOpen, openAlarms, useAlarmStore } from './alarms';
import * as api from './api';
import { FeedbackView, type Feedback } from './components/Feedback';
import { Header } from './components/Header';
import { StaleNotice } from './components/StaleNotice';
import { useFaultStore } from './faults';
import { getLang, onLangChange, t } from './i18n';
import { HREF, isSetupPath, parseRoute, replaceUrl, useRoute, useSetupToken } from './router';
import { openEventStream, type StreamStatus } from './sse';
import {
  canHandleAlarms,
  canMaintain,
  canSeeAudit,
  canSeeLogs,
  canSeeRegistrations,
  canSeeUsers,
  canEnterPin,
  canTest,
  type Health,
  type Session,
  type SessionUser,
  type StreamEvents,
  type Subscribe,
} from './types';
import { Alarms } from './views/Alarms';
import { Dashboard } from './views/Dashboard';
import { Faults } from './views/Faults';
import { Login } from './views/Login';
import { NotAvailable } from './views/NotAvailable';
import { Account, Audit, Board, Calls, Lines, Live, Logs, Maintenance, Phones, RoutingPages, Settings, Setup, Users, WalkPages, Wallboard } from './lazy-pages';


type Mode = 'loading' | 'setup' | 'login' | 'app';

/** Stream events handed to pages (health is handled here). */
const PAGE_EVENTS: readonly (keyof StreamEvents)[] = ['audit', 'call', 'channel', 'alarm', 'fault', 'board', 'lines', 'sms', 'config', 'walk-test', 'routing', 'desk'];

/** Lists are fetched once the event stream is connected; if it cannot connect, after this long anyway (shown as stale). */
const LOAD_WITHOUT_STREAM_MS = 4000;

export function App() {
  // Re-render everything when the language changes (t() reads module state).
  const [, setLang] = useState(getLang());
  useEffect(() => onLangChange(setLang), []);

  const route = useRoute();
  const setupToken = useSetupToken();
  const [mode, setMode] = useState<Mode>(() => (isSetupPath(location.pathname) ? 'setup' : 'loading'));
  const [user, setUser] = useState<SessionUser | null>(null);
  const [notice, setNotice] = useState<Feedback | null>(null);
  const [appError, setAppError] = useState<Feedback | null>(null);
  const [health, setHealth] = useState<{ data: Health; at: number } | null>(null);
  const [live, setLive] = useState<StreamStatus>('connecting');
  /**
   * 0 until the event stream first connects, then one more at each
   * (re)connect: lists are fetched at each change, so that none is fetched
   * before the stream that keeps it current, and each once per connection.
   */
  const [dataEpoch, setDataEpoch] = useState(0);
  /** When the page last heard from the appliance (an event, a ping), for "last update hh:mm:ss". */
  const [lastHeard, setLastHeard] = useState<number | null>(null);
  const listeners = useRef(new Map<string, Set<(data: never) => void>>());
  /**
   * Just signed in (or opened) at the dashboard: it becomes the Alarms page
   * if an alarm is open, once the alarm list has answered.
   */
  const [landing, setLanding] = useState(false);

  const startSession = useCallback((s: Session) => {
    api.setCsrfToken(s.csrfToken);
    setUser(s.user);
    setNotice(null);
    setAppError(null);
    setLanding(parseRoute(location.hash) === 'dashboard');
    setMode('app');
  }, []);

  const endSession = useCallback((why: Feedback | null) => {
    api.setCsrfToken(null);
    resetTone();
    setLanding(false);
    setUser(null);
    setNotice(why);
    setAppError(null);
    setMode('login');
  }, []);

  // Any authenticated call answering 401: the session is gone.
  useEffect(() => {
    api.setUnauthorizedHandler(() => endSession({ kind: 'info', key: 'error.sessionExpired' }));
    return () => api.setUnauthorizedHandler(null);
  }, [endSession]);

  // Startup: public health (site/node for the header) and the session probe.
  useEffect(() => {
    void api.getHealth().then((r) => {
      if (r.ok) setHealth((h) => h ?? { data: r.data, at: Date.now() });
    });
    if (mode === 'setup') return;
    void api.getSession().then((r) => {
      if (r.ok) startSession(r.data);
      else endSession(r.status === 401 ? null : { kind: 'error', err: r });
    });
  }, []); // once, at startup

  // Live events while signed in.
  useEffect(() => {
    if (mode !== 'app') return;
    setDataEpoch(0);
    const fallback = setTimeout(() => setDataEpoch((n) => Math.max(n, 1)), LOAD_WITHOUT_STREAM_MS);
    const offAudio = unlockAudioOnGesture();
    const stream = openEventStream({
      types: ['health', 'ping', ...PAGE_EVENTS],
      onEvent(type, data) {
        setLastHeard(Date.now());
        if (type === 'health') setHealth({ data: data as Health, at: Date.now() });
        for (const fn of listeners.current.get(type) ?? []) fn(data as never);
      },
      onStatus(s) {
        setLive(s);
        if (s === 'live') {
          clearTimeout(fallback);
          setLastHeard(Date.now());
          setDataEpoch((n) => n + 1);
        }
      },
      // Reconnect within a second of the appliance answering again (GET /api/health is public and cheap).
      probe: () => api.getHealth(1500).then((r) => r.ok),
      async beforeReconnect() {
        const r = await api.getSession();
        if (r.ok) {
          setUser(r.data.user); // the role may have changed meanwhile
          return true;
        }
        if (r.status === 401) {
          endSession({ kind: 'info', key: 'error.sessionExpired' });
          return false;
        }
        return true; // appliance unreachable or restarting: keep trying
      },
    });
    return () => {
      clearTimeout(fallback);
      offAudio();
      stream.close();
    };
  }, [mode, endSession]);

  // Pages listen to stream events here; the data is as sent (pages check its shape).
  const subscribe: Subscribe = useCallback((type, fn) => {
    const map = listeners.current;
    const set = map.get(type) ?? new Set();
    map.set(type, set);
    set.add(fn);
    return () => {
      set.delete(fn);
    };
  }, []);

  const alarms = useAlarmStore(mode === 'app', subscribe, dataEpoch);
  const openReal = openAlarms(alarms.alarms).filter(isRealOpen);
  const openCount = openReal.length;
  const faults = useFaultStore(mode === 'app', subscribe, dataEpoch);
  useAlarmAlerts(mode === 'app', alarms.alarms, alarms.points, alarms.settled);
  // Reconnecting is stale at once; the first connection gets a moment before the page says so.
  const [slowStart, setSlowStart] = useState(false);
  useEffect(() => {
    if (live !== 'connecting') return setSlowStart(false);
    const id = setTimeout(() => setSlowStart(true), 1500);
    return () => clearTimeout(id);
  }, [live]);
  const stale = mode === 'app' && (live === 'reconnecting' || (live === 'connecting' && slowStart));

  useEffect(() => {
    if (!landing || !alarms.settled) return;
    setLanding(false);
    if (route === 'dashboard' && openCount > 0) replaceUrl(HREF.alarms);
  }, [landing, alarms.settled, route, openCount]);

  async function logout() {
    const r = await api.logout();
    // 401: already signed out. Anything else: the cookie may still be valid, so say so.
    if (r.ok || r.status === 401) {
      replaceUrl('/'); // the next person to sign in starts at the dashboard
      endSession({ kind: 'info', key: 'login.loggedOut' });
    } else setAppError({ kind: 'error', err: r });
  }

  function setupDone(s: Session) {
    replaceUrl('/'); // drop /setup and the one-time token from the address bar
    startSession(s);
  }

  const header = (
    <Header
      health={health?.data ?? null}
      user={mode === 'app' ? user : null}
      live={live}
      route={route}
      openAlarms={mode === 'app' ? openReal : []}
      points={alarms.points}
      openFaults={mode === 'app' ? faults.open.length : 0}
      onLogout={logout}
    />
  );

  if (mode === 'loading') {
    return (
      <>
        {header}
        <main class="auth" id="main">
          <p class="muted" role="status">
            {t('app.loading')}
          </p>
        </main>
      </>
    );
  }
  if (mode === 'setup') {
    return (
      <>
        {header}
        <Setup token={setupToken} onDone={setupDone} />
      </>
    );
  }
  if (mode === 'login' || !user) {
    return (
      <>
        {header}
        <Login notice={notice} onLoggedIn={startSession} />
      </>
    );
  }

  let page;
  switch (route) {
    case 'alarms':
      page = (
        <Alarms store={alarms} canHandle={canHandleAlarms(user.role)} canTest={canTest(user.role)} />
      );
      break;
    case 'faults':
      page = <Faults store={faults} />;
      break;
    case 'board':
      page = <Board subscribe={subscribe} streamEpoch={dataEpoch} />;
      break;
    case 'lines':
      page = <Lines subscribe={subscribe} streamEpoch={dataEpoch} canTest={canTest(user.role)} canEnterPin={canEnterPin(user.role)} />;
      break;
    case 'dashboard':
      // Until the alarm list answers: it may send this sign-in to the Alarms page instead.
      if (landing && !alarms.settled) {
        page = (
          <p class="muted" role="status">
            {t('app.loading')}
          </p>
        );
        break;
      }
      page = <Dashboard health={health?.data ?? null} receivedAt={health?.at ?? Date.now()} />;
      break;
    case 'calls':
      page = <Calls role={user.role} subscribe={subscribe} streamEpoch={dataEpoch} />;
      break;
    case 'live':
      page = (
        <Live subscribe={subscribe} streamEpoch={dataEpoch} fsStatus={health?.data.components?.freeswitch?.status} />
      );
      break;
    case 'settings':
      page = <Settings role={user.role} subscribe={subscribe} streamEpoch={dataEpoch} />;
      break;
    case 'walk-test':
      page = <WalkPages role={user.role} subscribe={subscribe} streamEpoch={dataEpoch} />;
      break;
    case 'routing':
      page = <RoutingPages role={user.role} subscribe={subscribe} streamEpoch={dataEpoch} />;
      break;
    case 'desk':
      page = <Wallboard me={user} subscribe={subscribe} streamEpoch={dataEpoch} />;
      break;
    case 'users':
      page = canSeeUsers(user.role) ? <Users me={user} /> : <NotAvailable reason="forbidden" />;
      break;
    case 'audit':
      page = canSeeAudit(user.role) ? (
        <Audit subscribe={subscribe} streamEpoch={dataEpoch} />
      ) : (
        <NotAvailable reason="forbidden" />
      );
      break;
    case 'logs':
      page = canSeeLogs(user.role) ? <Logs /> : <NotAvailable reason="forbidden" />;
      break;
    case 'phones':
      page = canSeeRegistrations(user.role) ? <Phones streamEpoch={dataEpoch} /> : <NotAvailable reason="forbidden" />;
      break;
    case 'maintenance':
      page = canMaintain(user.role) ? <Maintenance openAlarms={openCount} /> : <NotAvailable reason="forbidden" />;
      break;
    case 'account':
      page = (
        <Account
          me={user}
          onPasswordChanged={() => {
            replaceUrl('/');
            endSession({ kind: 'ok', key: 'login.passwordChanged' });
          }}
          onSessionLost={() => endSession({ kind: 'info', key: 'error.sessionExpired' })}
        />
      );
      break;
    default:
      page = <NotAvailable reason="notFound" />;
  }

  // While the stream is down, what is shown may be out of date: greyed, with
  // the time of the last update, and every control of the page disabled (a
  // disabled fieldset) with the reason above it.
  return (
    <>
      {header}
      <main class={`content${stale ? ' stale' : ''}`} id="main" data-stale={stale ? 'true' : 'false'}>
        {stale && <StaleNotice status={live} lastHeard={lastHeard} />}
        <FeedbackView feedback={appError} testid="app-error" />
        <fieldset class="page" disabled={stale} data-testid="page">
          {page}
        </fieldset>
      </main>
    </>
  );
}
