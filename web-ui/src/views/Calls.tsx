import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { CallFilterForm, NO_FILTERS } from '../components/CallFilterForm';
import { CallRow } from '../components/CallRow';
import { FeedbackView, type Feedback } from '../components/Feedback';
import { useTitle } from '../hooks';
import { t } from '../i18n';
import { canExportCalls, type CallFilters, type CallRecord, type Role, type Subscribe } from '../types';

const PAGE_SIZE = 50;

/** The API's order: newest start first, uuid breaking ties (ISO strings of one format compare as times). */
const newer = (a: CallRecord, b: CallRecord) =>
  a.createdAt > b.createdAt || (a.createdAt === b.createdAt && a.uuid > b.uuid);
const byNewest = (a: CallRecord, b: CallRecord) => (newer(a, b) ? -1 : newer(b, a) ? 1 : 0);

/** Whether the server would return this record for these filters. */
function matches(c: CallRecord, f: CallFilters): boolean {
  const at = Date.parse(c.createdAt);
  return (
    (!f.number || !!c.callerNumber?.startsWith(f.number) || !!c.calleeNumber?.startsWith(f.number)) &&
    (!f.direction || c.direction === f.direction) &&
    (!f.cause || c.hangupCause === f.cause) &&
    (!f.zone || c.zone === f.zone) &&
    (!f.from || at >= Date.parse(f.from)) &&
    (!f.to || at < Date.parse(f.to))
  );
}

/**
 * Put a live record in its place. A record arrives when the call ends, so a
 * long call can be older than rows already shown. One older than every loaded
 * row belongs to a later page, unless this is the last page.
 */
function insertCall(list: CallRecord[], c: CallRecord, complete: boolean): CallRecord[] {
  if (list.some((x) => x.uuid === c.uuid)) return list;
  const i = list.findIndex((x) => newer(c, x));
  if (i < 0) return complete ? [...list, c] : list;
  return [...list.slice(0, i), c, ...list.slice(i)];
}

interface CallsProps {
  role: Role;
  /** Live events from the event stream (this page uses `call`). */
  subscribe: Subscribe;
  /** Increases each time the event stream (re)connects: records may have been missed. */
  streamEpoch: number;
}

export function Calls({ role, subscribe, streamEpoch }: CallsProps) {
  useTitle(t('calls.title'));
  /** The filters of the rows shown (a refused search keeps the previous ones). */
  const [filters, setFilters] = useState<CallFilters>(NO_FILTERS);
  const [calls, setCalls] = useState<CallRecord[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Feedback | null>(null);
  const view = useRef({ calls, next, filters });
  view.current = { calls, next, filters };
  /** Bumped by each first-page load; an answer to an older request is dropped. */
  const seq = useRef(0);

  /** Fetch the newest page for `f`; with `merge`, keep older pages already loaded. */
  const loadHead = useCallback(async (f: CallFilters, merge: boolean) => {
    const mine = ++seq.current;
    setBusy(true);
    const r = await api.searchCalls(f, PAGE_SIZE);
    if (mine !== seq.current) return;
    setBusy(false);
    if (!r.ok) return setError({ kind: 'error', err: r });
    setError(null);
    setLoaded(true);
    setFilters(f);
    const page = r.data.calls ?? [];
    const fresh = new Set(page.map((c) => c.uuid));
    const prev = view.current.calls;
    if (merge && prev.some((c) => fresh.has(c.uuid))) {
      setCalls([...page, ...prev.filter((c) => !fresh.has(c.uuid))].sort(byNewest));
    } else {
      setCalls(page);
      setNext(r.data.next ?? null);
    }
  }, []);

  async function loadMore() {
    if (next == null || busy) return;
    const mine = seq.current;
    setBusy(true);
    const r = await api.searchCalls(filters, PAGE_SIZE, next);
    if (mine !== seq.current) return; // a new search started meanwhile
    setBusy(false);
    if (!r.ok) return setError({ kind: 'error', err: r });
    setError(null);
    setCalls((prev) => {
      const have = new Set(prev.map((c) => c.uuid));
      return [...prev, ...(r.data.calls ?? []).filter((c) => !have.has(c.uuid))];
    });
    setNext(r.data.next ?? null);
  }

  useEffect(() => {
    void loadHead(NO_FILTERS, false);
  }, [loadHead]);

  // After a reconnect, catch up on records the stream may have missed.
  const firstEpoch = useRef(streamEpoch);
  useEffect(() => {
    if (streamEpoch !== firstEpoch.current) void loadHead(view.current.filters, true);
  }, [streamEpoch, loadHead]);

  useEffect(
    () =>
      subscribe('call', (c) => {
        if (!c || typeof c.uuid !== 'string' || typeof c.createdAt !== 'string') return;
        const v = view.current;
        if (matches(c, v.filters)) setCalls((prev) => insertCall(prev, c, v.next == null));
      }),
    [subscribe],
  );

  const filtered = Object.values(filters).some(Boolean);

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('calls.title')}</h1>
      <CallFilterForm
        busy={busy}
        onSearch={(f) => void loadHead(f, false)}
        exportHref={canExportCalls(role) ? api.callsCsvUrl(filters) : null}
      />
      <FeedbackView feedback={error} testid="calls-error" />
      <div class="table-wrap">
        <table class="table calls">
          <thead>
            <tr>
              <th scope="col">{t('calls.start')}</th>
              <th scope="col">{t('calls.direction')}</th>
              <th scope="col">{t('calls.caller')}</th>
              <th scope="col">{t('calls.callee')}</th>
              <th scope="col">{t('calls.zone')}</th>
              <th scope="col">{t('calls.trunk')}</th>
              <th scope="col" title={t('calls.durationHint')}>
                {t('calls.duration')}
              </th>
              <th scope="col">{t('calls.result')}</th>
              <th scope="col">{t('calls.alarm')}</th>
              <th scope="col">{t('calls.recording')}</th>
            </tr>
          </thead>
          <tbody>
            {loaded && calls.length === 0 && (
              <tr>
                <td colSpan={10} class="muted" data-testid="calls-empty">
                  {filtered ? t('calls.emptyFiltered') : t('calls.empty')}
                </td>
              </tr>
            )}
            {calls.map((c) => (
              <CallRow key={c.uuid} call={c} />
            ))}
          </tbody>
        </table>
      </div>
      <div class="more">
        {next != null ? (
          <button type="button" class="btn" data-testid="calls-load-more" disabled={busy} onClick={() => void loadMore()}>
            {busy ? t('common.working') : t('calls.loadMore')}
          </button>
        ) : (
          loaded && calls.length > 0 && <span class="muted">{t('calls.end')}</span>
        )}
      </div>
    </section>
  );
}
