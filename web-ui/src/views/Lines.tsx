// The lines: GSM modems (the failover trunk and SMS) and analog line cards
// with their ports, the SMS log, and the technicians' tests. Loaded from
// GET /api/lines; the `lines` event carries every modem and card again, the
// `sms` event one new or changed SMS. A daemon without lines answers 404:
// then the page says so rather than show an error.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { When } from '../components/AlarmParts';
import { FeedbackView } from '../components/Feedback';
import { LineCardPanel, ModemCard } from '../components/LineParts';
import { LineTests } from '../components/LineTests';
import { Said } from '../components/Said';
import { labelOf } from '../format';
import { useTitle } from '../hooks';
import { t } from '../i18n';
import type { LinesView, Sms, Subscribe } from '../types';

/** As many as the server sends. */
const SMS_MAX = 50;

const SMS_CLASS: Record<string, string> = {
  queued: 'badge-degraded',
  sent: 'badge-info',
  delivered: 'badge-ok',
  failed: 'badge-down',
  received: 'badge-info',
  handled: 'badge-ok',
};

const newestFirst = (a: Sms, b: Sms) =>
  a.createdAt === b.createdAt ? Number(b.id) - Number(a.id) : a.createdAt < b.createdAt ? 1 : -1;

/** Put `s` in the log unless what we have is newer (events and answers can cross). */
function upsertSms(list: Sms[], s: Sms): Sms[] {
  const have = list.find((x) => x.id === s.id);
  if (have && have.updatedAt > s.updatedAt) return list;
  return [s, ...list.filter((x) => x.id !== s.id)].sort(newestFirst).slice(0, SMS_MAX);
}

interface LinesProps {
  subscribe: Subscribe;
  /** 0 until the event stream first connects, then one more at each reconnect: fetched at each (changes may have been missed). */
  streamEpoch: number;
  /** Technician or admin: the test SMS and USSD forms. */
  canTest: boolean;
  /** Admin: the SIM PIN form of a modem whose SIM waits for a PIN. */
  canEnterPin: boolean;
}

type State = { kind: 'loading' } | { kind: 'unavailable' } | { kind: 'error'; err: api.ApiErr } | { kind: 'ready'; lines: LinesView };

export function Lines({ subscribe, streamEpoch, canTest, canEnterPin }: LinesProps) {
  useTitle(t('lines.title'));
  const [state, setState] = useState<State>({ kind: 'loading' });
  const [sms, setSms] = useState<Sms[]>([]);
  /** SMS events that arrive while the list is being fetched, applied on top of it. */
  const pending = useRef<Sms[] | null>(null);

  const load = useCallback(async () => {
    const mine: Sms[] = [];
    pending.current = mine;
    const r = await api.getLines();
    if (pending.current !== mine) return;
    pending.current = null;
    if (!r.ok) {
      // 404: this daemon has no lines (not configured, or not in this version).
      setState(r.status === 404 ? { kind: 'unavailable' } : { kind: 'error', err: r });
      return;
    }
    const data = r.data;
    setState({ kind: 'ready', lines: { modems: data.modems, lineCards: data.lineCards } });
    let list = [...data.sms].sort(newestFirst).slice(0, SMS_MAX);
    for (const s of mine) list = upsertSms(list, s);
    setSms(list);
  }, []);

  useEffect(() => {
    if (streamEpoch > 0) void load();
  }, [load, streamEpoch]);

  useEffect(() => {
    const offLines = subscribe('lines', (l) => {
      setState({ kind: 'ready', lines: { modems: l.modems, lineCards: l.lineCards } });
    });
    const offSms = subscribe('sms', (s) => {
      pending.current?.push(s);
      setSms((prev) => upsertSms(prev, s));
    });
    return () => {
      offLines();
      offSms();
    };
  }, [subscribe]);

  const title = <h1 id="page-title">{t('lines.title')}</h1>;
  if (state.kind === 'loading') {
    return (
      <section aria-labelledby="page-title">
        {title}
        <p class="muted" role="status">
          {t('app.loading')}
        </p>
      </section>
    );
  }
  if (state.kind === 'unavailable') {
    return (
      <section aria-labelledby="page-title">
        {title}
        <p class="msg msg-info" role="status" data-testid="lines-unavailable">
          {t('lines.unavailable')}
        </p>
      </section>
    );
  }
  if (state.kind === 'error') {
    return (
      <section aria-labelledby="page-title">
        {title}
        <FeedbackView feedback={{ kind: 'error', err: state.err }} testid="lines-error" />
      </section>
    );
  }

  const { modems, lineCards } = state.lines;
  return (
    <section aria-labelledby="page-title">
      {title}
      {modems.length === 0 && lineCards.length === 0 && (
        <p class="msg msg-info" role="status" data-testid="lines-none">
          {t('lines.none')}
        </p>
      )}

      {modems.length > 0 && (
        <>
          <h2>{t('lines.modems')}</h2>
          <div class="cards line-cards">
            {modems.map((m) => (
              <ModemCard key={m.id} modem={m} canEnterPin={canEnterPin} />
            ))}
          </div>
        </>
      )}

      {lineCards.length > 0 && (
        <>
          <h2>{t('lines.lineCards')}</h2>
          <div class="cards line-cards line-cards-wide">
            {lineCards.map((c) => (
              <LineCardPanel key={c.id} card={c} />
            ))}
          </div>
        </>
      )}

      {canTest && modems.length > 0 && <LineTests modems={modems} />}

      {(modems.length > 0 || sms.length > 0) && <SmsLog sms={sms} />}
    </section>
  );
}

function SmsLog({ sms }: { sms: Sms[] }) {
  return (
    <>
      <h2>{t('lines.smsLog')}</h2>
      <div class="table-wrap">
        <table class="table sms">
          <thead>
            <tr>
              <th scope="col">{t('lines.smsTime')}</th>
              <th scope="col">{t('calls.direction')}</th>
              <th scope="col">{t('lines.modemField')}</th>
              <th scope="col">{t('lines.smsPeer')}</th>
              <th scope="col">{t('lines.smsText')}</th>
              <th scope="col">{t('lines.smsStatus')}</th>
              <th scope="col">{t('calls.alarm')}</th>
            </tr>
          </thead>
          <tbody>
            {sms.length === 0 && (
              <tr>
                <td colSpan={7} class="muted" data-testid="sms-empty">
                  {t('lines.smsEmpty')}
                </td>
              </tr>
            )}
            {sms.map((s) => (
              <tr key={s.id} data-testid="sms-row" data-id={s.id} data-status={s.status} data-direction={s.direction}>
                <td class="nowrap num">
                  <When iso={s.createdAt} />
                </td>
                <td class="nowrap">{labelOf('smsDirection', s.direction)}</td>
                <td class="mono">{s.modem}</td>
                <td class="mono">{s.peer}</td>
                <td class="sms-text">{s.text}</td>
                <td>
                  <span class={`badge ${SMS_CLASS[s.status] ?? ''}`} title={s.updatedAt}>
                    {labelOf('smsStatus', s.status)}
                  </span>
                  {s.detail && <Said class="sub muted" phrase={s.phrase} detail={s.detail} />}
                </td>
                <td class="mono">{s.alarmId ?? <span class="muted">{t('common.none')}</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  );
}
