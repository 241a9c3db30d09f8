// One row of the recent alarms table (Alarms page).
import { formatDuration } from '../format';
import { t } from '../i18n';
import type { Alarm, CallPoint } from '../types';
import { AlarmStateBadge, byVia, openSeconds, pointLabel, TestBadge, When } from './AlarmParts';

export function AlarmRow({ alarm: a, point, now }: { alarm: Alarm; point: CallPoint | undefined; now: number }) {
  return (
    <tr data-testid="alarm-row" data-id={a.id} data-state={a.state}>
      <td class="mono nowrap">{a.id}</td>
      <td>
        <span class="badges">
          <AlarmStateBadge state={a.state} />
          {a.test && a.state !== 'test' && <TestBadge />}
        </span>
      </td>
      <td>
        {pointLabel(a, point)}
        {point?.location && <span class="sub muted">{point.location}</span>}
      </td>
      <td>{a.zone || <span class="muted">{t('common.none')}</span>}</td>
      <td class="nowrap">
        <When iso={a.raisedAt} />
      </td>
      <td class="nowrap num">
        {formatDuration(openSeconds(a, now))}
      </td>
      <td>
        {a.acknowledgedAt ? (
          <>
            {byVia(a.acknowledgedBy, a.ackSource, 'ackSource')}
            <span class="sub muted">
              <When iso={a.acknowledgedAt} />
            </span>
          </>
        ) : (
          <span class="muted">{t('common.none')}</span>
        )}
      </td>
      <td>
        {a.clearedAt ? (
          <>
            {byVia(a.clearedBy, a.clearSource, 'clearSource')}
            <span class="sub muted">
              <When iso={a.clearedAt} />
            </span>
          </>
        ) : (
          <span class="muted">{t('common.none')}</span>
        )}
      </td>
    </tr>
  );
}
