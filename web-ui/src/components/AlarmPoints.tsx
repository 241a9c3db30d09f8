// The call points with their state, the self-test of each (technicians) and,
// in simulation mode, buttons that stand in for the points and for the
// dispatcher's phone.
import { useState } from 'preact/hooks';
import * as api from '../api';
import { t } from '../i18n';
import type { Alarm, AlarmList, CallPoint, SelfTestResult } from '../types';
import { AlarmStateBadge } from './AlarmParts';
import { FeedbackView, type Feedback } from './Feedback';
import { SelfTestPanel } from './SelfTest';

interface AlarmPointsProps {
  points: CallPoint[];
  /** Open alarms, worst first: the first one of a point is the one shown. */
  open: Alarm[];
  /** Simulation mode, when the user may use it: the simulated dispatch desk and its acknowledge key. */
  simulation: AlarmList['simulation'];
  /** The user may run self-tests. */
  canTest: boolean;
  /** The last self-test. */
  selfTest: SelfTestResult | null;
  /** A press or a test started: fetch the alarms (and the self-test) again. */
  onPressed: () => void;
}

export function AlarmPoints({ points, open, simulation, canTest, selfTest, onPressed }: AlarmPointsProps) {
  const sim = simulation !== null;
  // The simulated dispatch desk and the key that acknowledges, as the daemon reports them.
  const DISPATCHER = simulation?.dispatcher ?? '8000';
  const ACK_KEY = simulation?.ackDigit ?? '5';
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);

  async function press(p: CallPoint) {
    if (busy) return;
    setBusy(true);
    const r = await api.simPress(p.input);
    setBusy(false);
    if (!r.ok) return setFeedback({ kind: 'error', err: r });
    onPressed();
    setFeedback(
      r.data?.alarmId
        ? { kind: 'ok', key: 'alarms.simPressed', vars: { label: p.label || p.id, id: r.data.alarmId } }
        : { kind: 'ok', key: 'alarms.simPressedNoId', vars: { label: p.label || p.id } },
    );
  }

  async function selfTestPoint(p: CallPoint) {
    if (busy) return;
    setBusy(true);
    const r = await api.testPoint(p.id);
    setBusy(false);
    if (!r.ok) return setFeedback({ kind: 'error', err: r });
    onPressed();
    setFeedback({ kind: 'ok', key: 'selfTest.started', vars: { label: p.label || p.id, id: r.data?.alarmId ?? '' } });
  }

  async function dispatcherAck() {
    if (busy) return;
    setBusy(true);
    const r = await api.simPhoneKeys(DISPATCHER, ACK_KEY);
    setBusy(false);
    setFeedback(
      r.ok ? { kind: 'ok', key: 'alarms.simKeysSent', vars: { phone: DISPATCHER, digits: ACK_KEY } } : { kind: 'error', err: r },
    );
  }

  return (
    <>
      {sim && (
        <p class="msg msg-info" data-testid="sim-mode">
          {t('alarms.simIntro')}
        </p>
      )}
      <SelfTestPanel result={selfTest} points={points} />
      <div class="table-wrap">
        <table class="table points table-cards">
          <thead>
            <tr>
              <th scope="col">{t('alarms.point')}</th>
              <th scope="col">{t('alarms.location')}</th>
              <th scope="col">{t('alarms.zone')}</th>
              <th scope="col">{t('alarms.input')}</th>
              <th scope="col">{t('alarms.state')}</th>
              {canTest && <th scope="col">{t('selfTest.column')}</th>}
              {sim && <th scope="col">{t('alarms.sim')}</th>}
            </tr>
          </thead>
          <tbody>
            {points.length === 0 && (
              <tr>
                <td colSpan={5 + (sim ? 1 : 0) + (canTest ? 1 : 0)} class="muted" data-testid="points-empty">
                  {t('alarms.pointsEmpty')}
                </td>
              </tr>
            )}
            {points.map((p) => {
              const alarm = open.find((a) => a.pointId === p.id);
              return (
                <tr key={p.id} data-testid="point-row" data-id={p.id} data-state={alarm ? (alarm.test ? 'test' : 'alarm') : 'idle'}>
                  <th scope="row">{p.label || p.id}</th>
                  <td data-label={t('alarms.location')}>{p.location || <span class="muted">{t('common.none')}</span>}</td>
                  <td data-label={t('alarms.zone')}>{p.zone || <span class="muted">{t('common.none')}</span>}</td>
                  <td class="mono" data-label={t('alarms.input')}>{p.input}</td>
                  <td data-label={t('alarms.state')}>
                    {alarm?.test ? (
                      <span class="badges">
                        <span class="badge badge-info">{t('selfTest.testing')}</span>
                        <span class="mono">{alarm.id}</span>
                      </span>
                    ) : alarm ? (
                      <span class="badges">
                        <span class="badge badge-alarm">{t('alarms.pointInAlarm')}</span>
                        <AlarmStateBadge state={alarm.state} />
                        <span class="mono">{alarm.id}</span>
                      </span>
                    ) : (
                      <span class="badge badge-ok">{t('alarms.pointIdle')}</span>
                    )}
                  </td>
                  {canTest && (
                    <td data-label={t('selfTest.column')}>
                      <button
                        type="button"
                        class="btn btn-small"
                        data-testid={`point-test-${p.id}`}
                        disabled={busy}
                        onClick={() => void selfTestPoint(p)}
                      >
                        {t('selfTest.run')}
                      </button>
                    </td>
                  )}
                  {sim && (
                    <td data-label={t('alarms.sim')}>
                      <button
                        type="button"
                        class="btn btn-small"
                        data-testid={`sim-press-${p.id}`}
                        disabled={busy}
                        onClick={() => void press(p)}
                      >
                        {t('alarms.simPress', { label: p.label || p.id })}
                      </button>
                    </td>
                  )}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {sim && (
        <div class="btn-row">
          <button
            type="button"
            class="btn"
            data-testid="sim-dispatcher-ack"
            disabled={busy}
            onClick={() => void dispatcherAck()}
          >
            {t('alarms.simDispatcherAck', { phone: DISPATCHER, digits: ACK_KEY })}
          </button>
        </div>
      )}
      <FeedbackView feedback={feedback} testid="sim-feedback" />
    </>
  );
}
