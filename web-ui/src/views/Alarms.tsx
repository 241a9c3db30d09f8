import { useEffect, useRef, useState } from 'preact/hooks';
import { openAlarms, recentAlarms, type AlarmStore } from '../alarms';
import { AlarmCard } from '../components/AlarmCard';
import { AlarmPoints } from '../components/AlarmPoints';
import { AlarmRow } from '../components/AlarmRow';
import { FeedbackView, type Feedback } from '../components/Feedback';
import { useSelfTestPoll } from '../components/SelfTest';
import { useTick, useTitle } from '../hooks';
import { t } from '../i18n';
import type { Alarm, CallPoint } from '../types';

interface AlarmsProps {
  /** Kept current by App (stream events, reload after a reconnect). */
  store: AlarmStore;
  /** Technician or admin: acknowledge and clear, and in simulation mode press the simulated points. */
  canHandle: boolean;
  /** Technician or admin: self-test a point. */
  canTest: boolean;
}

/** GET /api/alarms answers 404 when no call points are configured (the routes are not mounted). */
function notConfigured(store: AlarmStore): boolean {
  return store.error?.status === 404 && store.error.error.startsWith('no such API route');
}

export function Alarms({ store, canHandle, canTest }: AlarmsProps) {
  useTitle(t('alarms.title'));
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const sim = canHandle ? store.simulation : null;

  useSelfTestPoll(store.selfTest, store.reload);

  const open = openAlarms(store.alarms);
  // What was said about the last alarm (acknowledged, cleared) is not about the next one: a new alarm ends it.
  const known = useRef(new Set(open.map((a) => a.id)));
  const openIds = open.map((a) => a.id).join();
  useEffect(() => {
    if (open.some((a) => !known.current.has(a.id))) setFeedback(null);
    known.current = new Set(open.map((a) => a.id));
  }, [openIds]);
  const recent = recentAlarms(store.alarms);
  useTick(open.length > 0 ? 1000 : 0); // the "open for" timers
  const now = Date.now();
  const points = new Map<string, CallPoint>(store.points.map((p) => [p.id, p]));

  function onResult(fb: Feedback, changed: Alarm | null) {
    setFeedback(fb);
    if (changed) store.apply(changed);
    else store.reload(); // refused (already acknowledged or cleared, or gone): show how it is now
  }

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('alarms.title')}</h1>
      {notConfigured(store) ? (
        <p class="msg msg-info" role="status" data-testid="alarms-not-configured">
          {t('alarms.notConfigured')}
        </p>
      ) : (
        <FeedbackView feedback={store.error && { kind: 'error', err: store.error }} testid="alarms-error" />
      )}
      <FeedbackView feedback={feedback} testid="alarm-feedback" />

      <h2>{t('alarms.open', { count: open.length })}</h2>
      {store.settled && open.length === 0 && !store.error && (
        <p class="muted" data-testid="alarms-none-open">
          {t('alarms.noneOpen')}
        </p>
      )}
      <div class="alarm-cards">
        {open.map((a) => (
          <AlarmCard
            key={a.id}
            alarm={a}
            point={points.get(a.pointId)}
            canHandle={canHandle}
            now={now}
            onResult={onResult}
          />
        ))}
      </div>

      <h2>{t('alarms.recent')}</h2>
      <div class="table-wrap">
        <table class="table alarms">
          <thead>
            <tr>
              <th scope="col">{t('alarms.id')}</th>
              <th scope="col">{t('alarms.state')}</th>
              <th scope="col">{t('alarms.point')}</th>
              <th scope="col">{t('alarms.zone')}</th>
              <th scope="col">{t('alarms.raised')}</th>
              <th scope="col">{t('alarms.duration')}</th>
              <th scope="col">{t('alarms.acknowledged')}</th>
              <th scope="col">{t('alarms.cleared')}</th>
            </tr>
          </thead>
          <tbody>
            {store.settled && recent.length === 0 && (
              <tr>
                <td colSpan={8} class="muted" data-testid="alarms-empty">
                  {t('alarms.recentEmpty')}
                </td>
              </tr>
            )}
            {recent.map((a) => (
              <AlarmRow key={a.id} alarm={a} point={points.get(a.pointId)} now={now} />
            ))}
          </tbody>
        </table>
      </div>

      <h2>{t('alarms.points')}</h2>
      <AlarmPoints
        points={store.points}
        open={open}
        simulation={sim}
        canTest={canTest}
        selfTest={store.selfTest}
        onPressed={store.reload}
      />
    </section>
  );
}
