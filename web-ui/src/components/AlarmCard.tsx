// One open alarm as a card (Alarms page), with Acknowledge and Clear.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import * as api from '../api';
import { formatDuration } from '../format';
import { t } from '../i18n';
import type { Alarm, CallPoint } from '../types';
import type { Feedback } from './Feedback';
import { AlarmStateBadge, alarmTone, byVia, openSeconds, pointLabel, targetText, TestBadge, When } from './AlarmParts';

interface AlarmCardProps {
  alarm: Alarm;
  point: CallPoint | undefined;
  /** Technician or admin: may acknowledge and clear. */
  canHandle: boolean;
  now: number;
  /** The server's answer to ack/clear: the changed alarm, or why not. */
  onResult: (fb: Feedback, changed: Alarm | null) => void;
}

export function AlarmCard({ alarm: a, point, canHandle, now, onResult }: AlarmCardProps) {
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const titleId = `alarm-${a.id}-title`;
  const label = pointLabel(a, point);

  async function act(kind: 'ack' | 'clear') {
    if (busy) return;
    setBusy(true);
    const r = kind === 'ack' ? await api.acknowledgeAlarm(a.id) : await api.clearAlarm(a.id);
    setBusy(false);
    setConfirming(false);
    if (!r.ok) return onResult({ kind: 'error', err: r }, null);
    const key = kind === 'ack' ? 'alarms.acked' : 'alarms.clearedMsg';
    onResult({ kind: 'ok', key, vars: { id: a.id, point: label } }, r.data);
  }

  const targetLabel =
    a.state === 'connected' ? t('alarms.connectedTo') : a.acknowledgedAt ? t('alarms.lastCalled') : t('alarms.callingNow');

  return (
    <article
      class={`alarm-card tone-${alarmTone(a.state)}`}
      data-testid="alarm-card"
      data-id={a.id}
      data-state={a.state}
      aria-labelledby={titleId}
    >
      <div class="alarm-card-head">
        <AlarmStateBadge state={a.state} large />
        {a.test && a.state !== 'test' && <TestBadge />}
        <span class="mono muted">{a.id}</span>
      </div>
      {a.state === 'failed' && (
        <p class="alarm-note" data-testid="alarm-note">
          {t('alarms.failedNote')}
        </p>
      )}
      {a.state === 'acknowledged' && (
        <p class="alarm-note" data-testid="alarm-note">
          {t('alarms.ackNote')}
        </p>
      )}
      <h3 id={titleId} data-testid="alarm-point">
        {label}
      </h3>
      {point?.location && <p class="alarm-location">{point.location}</p>}
      <dl class="facts alarm-facts">
        <Fact label={t('alarms.zone')}>{a.zone || t('common.none')}</Fact>
        <Fact label={t('alarms.raised')}>
          <When iso={a.raisedAt} />
        </Fact>
        <Fact label={t('alarms.openFor')} testid="alarm-open-for">
          {formatDuration(openSeconds(a, now))}
        </Fact>
        {a.presses > 1 && (
          <Fact label={t('alarms.presses')} testid="alarm-presses">
            {a.presses}
          </Fact>
        )}
        {a.target && (
          <Fact label={targetLabel} testid="alarm-target">
            {targetText(a.target)}
          </Fact>
        )}
        {a.attempts > 0 && (
          <Fact label={t('alarms.attempts')} testid="alarm-attempts">
            {a.attempts}
          </Fact>
        )}
        {a.acknowledgedAt && (
          <Fact label={t('alarms.acknowledged')} testid="alarm-acknowledged">
            {byVia(a.acknowledgedBy, a.ackSource, 'ackSource')} · <When iso={a.acknowledgedAt} />
          </Fact>
        )}
      </dl>
      {canHandle && !confirming && (
        <div class="btn-row">
          {!a.acknowledgedAt && (
            <button type="button" class="btn btn-primary" data-testid="alarm-ack" disabled={busy} onClick={() => void act('ack')}>
              {t('alarms.ack')}
            </button>
          )}
          <button type="button" class="btn btn-danger" data-testid="alarm-clear" disabled={busy} onClick={() => setConfirming(true)}>
            {t('alarms.clear')}
          </button>
        </div>
      )}
      {canHandle && confirming && (
        <div class="inline-form alarm-confirm" role="group" aria-label={t('alarms.clear')}>
          <p>{t('alarms.confirmClear', { id: a.id, point: label })}</p>
          <div class="btn-row">
            <button
              type="button"
              class="btn btn-danger"
              data-testid="alarm-clear-confirm"
              disabled={busy}
              autoFocus
              onClick={() => void act('clear')}
            >
              {t('alarms.confirmClearButton')}
            </button>
            <button type="button" class="btn" data-testid="alarm-clear-cancel" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </button>
          </div>
        </div>
      )}
    </article>
  );
}

function Fact(props: { label: string; testid?: string; children: ComponentChildren }) {
  return (
    <div class="fact">
      <dt>{props.label}</dt>
      <dd data-testid={props.testid}>{props.children}</dd>
    </div>
  );
}
