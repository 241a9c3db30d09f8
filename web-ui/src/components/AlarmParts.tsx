// Small pieces shared by the alarm card, the recent-alarms table and the points list.
import { formatDateTime, formatUtc, labelOf } from '../format';
import { t } from '../i18n';
import type { Alarm, AlarmState, CallPoint } from '../types';

const STATE_CLASS: Record<AlarmState, string> = {
  raised: 'badge-alarm',
  calling: 'badge-alarm',
  failed: 'badge-alarm',
  connected: 'badge-degraded',
  acknowledged: 'badge-info',
  cleared: 'badge-ok',
  test: '',
};

/** Colour of a card: red until someone answers, amber while talking, blue once acknowledged. */
export function alarmTone(state: AlarmState): 'red' | 'amber' | 'blue' | 'grey' {
  const c = STATE_CLASS[state];
  return c === 'badge-alarm' ? 'red' : c === 'badge-degraded' ? 'amber' : c === 'badge-info' ? 'blue' : 'grey';
}

export function AlarmStateBadge({ state, large }: { state: AlarmState; large?: boolean }) {
  return (
    <span class={`badge ${STATE_CLASS[state] ?? ''}${large ? ' badge-large' : ''}`} data-testid="alarm-state" data-state={state}>
      {labelOf('alarmState', state)}
    </span>
  );
}

export function TestBadge() {
  return <span class="badge">{t('alarms.test')}</span>;
}

/** Local time, with UTC on hover. */
export function When({ iso }: { iso: string | null }) {
  if (!iso) return <span class="muted">{t('common.none')}</span>;
  return (
    <time dateTime={iso} title={formatUtc(iso)}>
      {formatDateTime(iso)}
    </time>
  );
}

/** The point's label, or its id when it is not (or no longer) configured. */
export function pointLabel(a: Alarm, point: CallPoint | undefined): string {
  return point?.label || a.pointId;
}

/** "alice via web UI" — who did it and how (ack or clear). */
export function byVia(who: string | null, how: string | null, prefix: 'ackSource' | 'clearSource'): string {
  return t('alarms.byVia', {
    who: who || t('common.none'),
    how: how ? labelOf(prefix, how) : t('common.none'),
  });
}

/** Seconds the alarm has been (or was) open. */
export function openSeconds(a: Alarm, now: number): number {
  const end = a.clearedAt ? Date.parse(a.clearedAt) : now;
  return (end - Date.parse(a.raisedAt)) / 1000;
}

/**
 * Whom an alarm calls, in the page's language. The daemon names a target of
 * the escalation plan as "extension 8000", "GSM +86…" or "<gateway> <number>"
 * (alarms/escalation.ts, describeTarget); a gateway's name is an id and stays.
 */
export function targetText(target: string): string {
  const m = /^(extension|GSM) (\S+)$/.exec(target);
  if (!m) return target;
  return t(m[1] === 'extension' ? 'alarms.targetExtension' : 'alarms.targetGsm', { number: m[2] });
}
