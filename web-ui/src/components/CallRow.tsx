// One row of the call records table (Calls page).
import { formatDateTime, formatDuration, labelOf } from '../format';
import { t } from '../i18n';
import type { CallRecord } from '../types';

/** A number with the name under it; "—" when there is neither. */
export function Party({ number, name }: { number: string | null; name: string | null }) {
  if (!number && !name) return <span class="muted">{t('common.none')}</span>;
  return (
    <>
      {number && <span class="mono">{number}</span>}
      {name && <span class="sub muted">{name}</span>}
    </>
  );
}

export function orNone(v: string | null | undefined, mono = false) {
  return v ? <span class={mono ? 'mono' : undefined}>{v}</span> : <span class="muted">{t('common.none')}</span>;
}

export function CallRow({ call: c }: { call: CallRecord }) {
  return (
    <tr data-testid="call-row" data-uuid={c.uuid} data-cause={c.hangupCause ?? ''}>
      <td class="nowrap">
        <time dateTime={c.createdAt} title={c.createdAt}>
          {formatDateTime(c.createdAt)}
        </time>
      </td>
      <td>{labelOf('direction', c.direction)}</td>
      <td>
        <Party number={c.callerNumber} name={c.callerName} />
      </td>
      <td>
        <Party number={c.calleeNumber} name={c.calleeName} />
      </td>
      <td>{orNone(c.zone)}</td>
      <td>{labelOf('trunk', c.trunk)}</td>
      <td class="nowrap num" title={t('calls.durationHint')}>
        {formatDuration(c.durationS)} / {formatDuration(c.billsecS)}
      </td>
      <td>
        <span class="badges">
          {c.hangupCause ? (
            <span title={c.hangupCause}>{labelOf('cause', c.hangupCause)}</span>
          ) : (
            <span class="muted">{t('calls.causeUnknown')}</span>
          )}
          {c.recovered && (
            <span class="badge badge-degraded" title={t('calls.recoveredHint')} data-testid="call-recovered">
              {t('calls.recovered')}
            </span>
          )}
        </span>
      </td>
      <td>{orNone(c.alarmId, true)}</td>
      <td>
        {c.recordingPath ? (
          <span class="badge" data-testid="call-recorded">
            {t('calls.recorded')}
          </span>
        ) : (
          <span class="muted">{t('common.none')}</span>
        )}
      </td>
    </tr>
  );
}
