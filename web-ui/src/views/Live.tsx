import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { orNone } from '../components/CallRow';
import { FeedbackView, type Feedback } from '../components/Feedback';
import { formatDateTime, formatDuration, labelOf } from '../format';
import { useTick, useTitle } from '../hooks';
import { t } from '../i18n';
import type { ComponentStatus, LiveChannel, Subscribe } from '../types';

type Table = Map<string, LiveChannel>;

const STATE_CLASS: Record<string, string> = {
  ACTIVE: 'badge-ok',
  DOWN: 'badge-degraded',
  DIALING: 'badge-degraded',
  RINGING: 'badge-degraded',
  EARLY: 'badge-degraded',
  RING_WAIT: 'badge-degraded',
};

/** Newest first, like the call records. */
const byNewest = (a: LiveChannel, b: LiveChannel) =>
  a.createdAt === b.createdAt ? (a.uuid < b.uuid ? 1 : -1) : a.createdAt < b.createdAt ? 1 : -1;

interface LiveProps {
  /** Live events from the event stream (this page uses `channel`). */
  subscribe: Subscribe;
  /** 0 until the event stream first connects, then one more at each reconnect: fetched at each (changes may have been missed). */
  streamEpoch: number;
  /** FreeSWITCH's health: when it changes, so may `connected`, which has no event of its own. */
  fsStatus: ComponentStatus | undefined;
}

export function Live({ subscribe, streamEpoch, fsStatus }: LiveProps) {
  useTitle(t('channels.title'));
  useTick(1000);
  const [table, setTable] = useState<Table>(new Map());
  const [connected, setConnected] = useState(true);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<Feedback | null>(null);
  /** Changes that arrive while the list is being fetched, applied on top of it. */
  const pending = useRef<Table | null>(null);
  const gone = useRef<Set<string>>(new Set());

  const load = useCallback(async () => {
    const mine: Table = new Map();
    const mineGone = new Set<string>();
    pending.current = mine;
    gone.current = mineGone;
    const r = await api.listChannels();
    if (pending.current !== mine) return; // a newer load started
    pending.current = null;
    if (!r.ok) return setError({ kind: 'error', err: r });
    setError(null);
    const next: Table = new Map((r.data.channels ?? []).map((c) => [c.uuid, c]));
    for (const uuid of mineGone) next.delete(uuid);
    for (const [uuid, ch] of mine) next.set(uuid, ch);
    setTable(next);
    setConnected(r.data.connected !== false);
    setLoaded(true);
  }, []);

  // On arrival, after a stream reconnect, and when FreeSWITCH comes or goes.
  useEffect(() => {
    if (streamEpoch > 0) void load();
  }, [load, streamEpoch, fsStatus]);

  useEffect(
    () =>
      subscribe('channel', (ev) => {
        if (!ev || typeof ev.uuid !== 'string') return;
        const ch = ev.channel ?? null;
        if (ch && typeof ch.createdAt !== 'string') return; // not a channel: ignore rather than drop the row
        if (pending.current) {
          if (ch) pending.current.set(ev.uuid, ch);
          else {
            pending.current.delete(ev.uuid);
            gone.current.add(ev.uuid);
          }
        }
        setTable((prev) => {
          const next = new Map(prev);
          if (ch) next.set(ev.uuid, ch);
          else next.delete(ev.uuid);
          return next;
        });
      }),
    [subscribe],
  );

  const rows = [...table.values()].sort(byNewest);
  const now = Date.now();

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('channels.title')}</h1>
      {loaded && !connected && (
        <p class="msg msg-warn" role="status" data-testid="channels-disconnected">
          {t('channels.disconnected')}
        </p>
      )}
      <FeedbackView feedback={error} testid="channels-error" />
      <div class="table-wrap">
        <table class="table channels">
          <thead>
            <tr>
              <th scope="col">{t('channels.state')}</th>
              <th scope="col">{t('calls.direction')}</th>
              <th scope="col">{t('channels.parties')}</th>
              <th scope="col">{t('calls.zone')}</th>
              <th scope="col">{t('calls.trunk')}</th>
              <th scope="col">{t('channels.since')}</th>
              <th scope="col">{t('channels.flags')}</th>
              <th scope="col">{t('calls.alarm')}</th>
            </tr>
          </thead>
          <tbody>
            {loaded && rows.length === 0 && (
              <tr>
                <td colSpan={8} class="muted" data-testid="channels-empty">
                  {t('channels.empty')}
                </td>
              </tr>
            )}
            {rows.map((ch) => (
              <ChannelRow key={ch.uuid} ch={ch} now={now} />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ChannelRow({ ch, now }: { ch: LiveChannel; now: number }) {
  const since = ch.answeredAt ?? ch.createdAt;
  const hint = t(ch.answeredAt ? 'channels.sinceAnswer' : 'channels.sinceStart', { time: formatDateTime(since) });
  return (
    <tr data-testid="channel-row" data-uuid={ch.uuid} data-state={ch.callState}>
      <td>
        <span class={`badge ${STATE_CLASS[ch.callState] ?? ''}`}>
          {ch.callState ? labelOf('callState', ch.callState) : t('channels.stateUnknown')}
        </span>
      </td>
      <td>{labelOf('direction', ch.direction)}</td>
      <td>
        {orNone(ch.callerNumber, true)} {ch.callerName && <span class="muted">{ch.callerName}</span>}{' '}
        <span aria-hidden="true">→</span> {orNone(ch.calleeNumber, true)}
      </td>
      <td>{orNone(ch.zone)}</td>
      <td title={ch.name}>{labelOf('trunk', ch.trunk)}</td>
      <td class="nowrap num">
        <time dateTime={since} title={hint}>
          {formatDuration((now - Date.parse(since)) / 1000)}
        </time>
      </td>
      <td>
        <span class="badges">
          {ch.held && <span class="badge badge-degraded">{t('channels.held')}</span>}
          {ch.recording && <span class="badge badge-down">{t('channels.recording')}</span>}
        </span>
      </td>
      <td>{orNone(ch.alarmId, true)}</td>
    </tr>
  );
}
