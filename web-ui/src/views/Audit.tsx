import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import * as api from '../api';
import { FeedbackView, type Feedback } from '../components/Feedback';
import { Said } from '../components/Said';
import { formatDateTime, labelOf } from '../format';
import { useTitle } from '../hooks';
import { t } from '../i18n';
import type { AuditEntry, AuditOutcome, AuditPage, Subscribe } from '../types';

const PAGE_SIZE = 50;

const OUTCOME_CLASS: Record<AuditOutcome, string> = {
  ok: 'badge-ok',
  denied: 'badge-degraded',
  failed: 'badge-down',
};

interface AuditProps {
  /** Live events from the event stream (this page uses `audit`). */
  subscribe: Subscribe;
  /** Increases each time the event stream (re)connects: entries may have been missed. */
  streamEpoch: number;
}

export function Audit({ subscribe, streamEpoch }: AuditProps) {
  useTitle(t('audit.title'));
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<AuditPage['nextBefore']>(null);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Feedback | null>(null);
  const entriesRef = useRef(entries);
  entriesRef.current = entries;

  /** Fetch the newest page; with `merge`, keep older pages already loaded if they connect. */
  const loadHead = useCallback(async (merge: boolean) => {
    setBusy(true);
    const r = await api.listAudit(PAGE_SIZE);
    setBusy(false);
    if (!r.ok) return setError({ kind: 'error', err: r });
    setError(null);
    setLoaded(true);
    const page = r.data.entries ?? [];
    const fresh = new Set(page.map((e) => e.id));
    const prev = entriesRef.current;
    if (merge && prev.some((e) => fresh.has(e.id))) {
      setEntries([...page, ...prev.filter((e) => !fresh.has(e.id))]);
    } else {
      setEntries(page);
      setNextBefore(r.data.nextBefore ?? null);
    }
  }, []);

  async function loadMore() {
    if (nextBefore == null || busy) return;
    setBusy(true);
    const r = await api.listAudit(PAGE_SIZE, nextBefore);
    setBusy(false);
    if (!r.ok) return setError({ kind: 'error', err: r });
    setError(null);
    setEntries((prev) => {
      const have = new Set(prev.map((e) => e.id));
      return [...prev, ...(r.data.entries ?? []).filter((e) => !have.has(e.id))];
    });
    setNextBefore(r.data.nextBefore ?? null);
  }

  useEffect(() => {
    void loadHead(false);
  }, [loadHead]);

  // After a reconnect, catch up on entries the stream may have missed.
  const firstEpoch = useRef(streamEpoch);
  useEffect(() => {
    if (streamEpoch !== firstEpoch.current) void loadHead(true);
  }, [streamEpoch, loadHead]);

  useEffect(
    () =>
      subscribe('audit', (entry) => {
        if (!entry || entry.id == null || typeof entry.ts !== 'string') return;
        setEntries((prev) => (prev.some((e) => e.id === entry.id) ? prev : [entry, ...prev]));
      }),
    [subscribe],
  );

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('audit.title')}</h1>
      <FeedbackView feedback={error} testid="audit-error" />
      <div class="table-wrap">
        <table class="table audit">
          <thead>
            <tr>
              <th scope="col">{t('audit.time')}</th>
              <th scope="col">{t('audit.user')}</th>
              <th scope="col">{t('audit.ip')}</th>
              <th scope="col">{t('audit.action')}</th>
              <th scope="col">{t('audit.target')}</th>
              <th scope="col">{t('audit.outcome')}</th>
              <th scope="col">{t('audit.detail')}</th>
            </tr>
          </thead>
          <tbody>
            {loaded && entries.length === 0 && (
              <tr>
                <td colSpan={7} class="muted">
                  {t('audit.empty')}
                </td>
              </tr>
            )}
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-id={String(e.id)} data-outcome={e.outcome} data-action={e.action}>
                <td class="nowrap">
                  <time dateTime={e.ts} title={e.ts}>
                    {formatDateTime(e.ts)}
                  </time>
                </td>
                <td>{e.username ?? <span class="muted">{t('common.none')}</span>}</td>
                <td class="mono">{e.ip}</td>
                <td>
                  <span title={e.action}>{labelOf('auditAction', e.action)}</span>
                </td>
                <td>{e.target ?? <span class="muted">{t('common.none')}</span>}</td>
                <td>
                  <span class={`badge ${OUTCOME_CLASS[e.outcome] ?? 'badge-unknown'}`}>
                    {e.outcome in OUTCOME_CLASS ? t(`audit.outcome.${e.outcome}`) : String(e.outcome)}
                  </span>
                </td>
                <td class="detail">{e.detail ? <Said phrase={e.phrase} detail={e.detail} /> : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div class="more">
        {nextBefore != null ? (
          <button type="button" class="btn" data-testid="audit-load-more" disabled={busy} onClick={() => void loadMore()}>
            {busy ? t('common.working') : t('audit.loadMore')}
          </button>
        ) : (
          loaded && entries.length > 0 && <span class="muted">{t('audit.end')}</span>
        )}
      </div>
    </section>
  );
}
