// The audit log (#/audit[?filters], technicians and admins): newest first,
// searched by who, what, how it ended, text and time; the filters live in
// the page's address (a search can be linked and survives a reload) and the
// CSV download carries the same filters. New entries arrive live when they
// match. Loaded as a chunk of its own (App.tsx).
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { FeedbackView, type Feedback } from '../components/Feedback';
import { Said } from '../components/Said';
import { formatDateTime, labelOf } from '../format';
import { useTitle } from '../hooks';
import { t } from '../i18n';
import { auditCsvUrl, auditQuery, NO_AUDIT_FILTERS, searchAudit, type AuditFilters } from '../ops/api';
import { AuditFilterForm } from '../ops/AuditFilterForm';
import { to } from '../ops/i18n';
import { HREF, replaceUrl } from '../router';
import type { AuditEntry, AuditOutcome, AuditPage, Subscribe } from '../types';

const PAGE_SIZE = 50;

const OUTCOME_CLASS: Record<AuditOutcome, string> = {
  ok: 'badge-ok',
  denied: 'badge-degraded',
  failed: 'badge-down',
};

/** The filters in the page's address (#/audit?action=login&outcome=failed). */
function filtersFromHash(hash: string): AuditFilters {
  const q = new URLSearchParams(hash.split('?')[1] ?? '');
  const f = { ...NO_AUDIT_FILTERS };
  for (const k of Object.keys(f) as Array<keyof AuditFilters>) {
    const v = q.get(k);
    if (v) (f as Record<keyof AuditFilters, string>)[k] = v;
  }
  return f;
}

/** Whether the server would list this entry for these filters (as the audit repository searches). */
function matches(e: AuditEntry, f: AuditFilters): boolean {
  const text = f.q.toLowerCase();
  return (
    (!f.user || (e.username ?? '').toLowerCase() === f.user.toLowerCase()) &&
    (!f.action || e.action === f.action || e.action.startsWith(`${f.action}.`)) &&
    (!f.outcome || e.outcome === f.outcome) &&
    (!f.from || e.ts >= new Date(f.from).toISOString()) &&
    (!f.to || e.ts < new Date(f.to).toISOString()) &&
    (!text || [e.username, e.action, e.target, e.detail, e.ip].some((v) => v?.toLowerCase().includes(text)))
  );
}

const filtered = (f: AuditFilters) => Object.values(f).some(Boolean);

interface AuditProps {
  /** Live events from the event stream (this page uses `audit`). */
  subscribe: Subscribe;
  /** Increases each time the event stream (re)connects: entries may have been missed. */
  streamEpoch: number;
}

export function Audit({ subscribe, streamEpoch }: AuditProps) {
  useTitle(t('audit.title'));
  const [initial] = useState(() => filtersFromHash(location.hash));
  /** The filters of the rows shown (a refused search keeps the previous ones). */
  const [filters, setFilters] = useState<AuditFilters>(initial);
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [nextBefore, setNextBefore] = useState<AuditPage['nextBefore']>(null);
  const [loaded, setLoaded] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Feedback | null>(null);
  const view = useRef({ entries, filters });
  view.current = { entries, filters };
  /** Bumped by each first-page load; an answer to an older request is dropped. */
  const seq = useRef(0);

  /** Fetch the newest page for `f`; with `merge`, keep older pages already loaded if they connect. */
  const loadHead = useCallback(async (f: AuditFilters, merge: boolean) => {
    const mine = ++seq.current;
    setBusy(true);
    const r = await searchAudit(f, PAGE_SIZE);
    if (mine !== seq.current) return;
    setBusy(false);
    if (!r.ok) return setError({ kind: 'error', err: r });
    setError(null);
    setLoaded(true);
    setFilters(f);
    const q = auditQuery(f);
    if (location.hash.startsWith(HREF.audit)) replaceUrl(q ? `${HREF.audit}?${q}` : HREF.audit);
    const page = r.data.entries ?? [];
    const fresh = new Set(page.map((e) => e.id));
    const prev = view.current.entries;
    if (merge && prev.some((e) => fresh.has(e.id))) {
      setEntries([...page, ...prev.filter((e) => !fresh.has(e.id))]);
    } else {
      setEntries(page);
      setNextBefore(r.data.nextBefore ?? null);
    }
  }, []);

  async function loadMore() {
    if (nextBefore == null || busy) return;
    const mine = seq.current;
    setBusy(true);
    const r = await searchAudit(filters, PAGE_SIZE, nextBefore);
    if (mine !== seq.current) return; // a new search started meanwhile
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
    void loadHead(initial, false);
  }, [loadHead, initial]);

  // After a reconnect, catch up on entries the stream may have missed.
  const firstEpoch = useRef(streamEpoch);
  useEffect(() => {
    if (streamEpoch !== firstEpoch.current) void loadHead(view.current.filters, true);
  }, [streamEpoch, loadHead]);

  useEffect(
    () =>
      subscribe('audit', (entry) => {
        if (!entry || entry.id == null || typeof entry.ts !== 'string' || !matches(entry, view.current.filters)) return;
        setEntries((prev) => (prev.some((e) => e.id === entry.id) ? prev : [entry, ...prev]));
      }),
    [subscribe],
  );

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{t('audit.title')}</h1>
      <AuditFilterForm initial={initial} busy={busy} onSearch={(f) => void loadHead(f, false)} csvHref={auditCsvUrl(filters)} />
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
                <td colSpan={7} class="muted" data-testid="audit-empty">
                  {filtered(filters) ? to('auditSearch.noneMatching') : t('audit.empty')}
                </td>
              </tr>
            )}
            {entries.map((e) => (
              <tr key={e.id} data-testid="audit-row" data-id={String(e.id)} data-outcome={e.outcome} data-action={e.action} data-user={e.username ?? ''}>
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
