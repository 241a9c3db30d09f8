// The audit search form: who, what (an action, or a group such as "user"),
// how it ended, text anywhere, and a time range. Holds what is being typed;
// hands the API's filters (times as ISO UTC) to onSearch. The CSV link is
// for the filters of the rows shown.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { isoToLocal, labelOf, localToIso } from '../format';
import { messageKeysUnder, t } from '../i18n';
import { AUDIT_OUTCOMES } from '../types';
import { NO_AUDIT_FILTERS, type AuditFilters } from './api';
import { to } from './i18n';

interface Props {
  initial: AuditFilters;
  busy: boolean;
  onSearch: (f: AuditFilters) => void;
  csvHref: string;
}

const asDraft = (f: AuditFilters): AuditFilters => ({ ...f, from: isoToLocal(f.from), to: isoToLocal(f.to) });

export function AuditFilterForm({ initial, busy, onSearch, csvHref }: Props) {
  const [draft, setDraft] = useState<AuditFilters>(() => asDraft(initial));
  const set = (k: keyof AuditFilters) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    setDraft((d) => ({ ...d, [k]: value }));
  };
  const field = (k: keyof AuditFilters, label: string, input: ComponentChildren) => (
    <div class="field">
      <label for={`audit-${k}`}>{label}</label>
      {input}
    </div>
  );

  function submit(e: Event) {
    e.preventDefault();
    onSearch({ q: draft.q.trim(), user: draft.user.trim(), action: draft.action.trim(), outcome: draft.outcome, from: localToIso(draft.from), to: localToIso(draft.to) });
  }

  function reset() {
    setDraft(NO_AUDIT_FILTERS);
    onSearch(NO_AUDIT_FILTERS);
  }

  return (
    <form class="panel form-grid" role="search" aria-label={to('auditSearch.filters')} onSubmit={submit}>
      {field('q', to('auditSearch.text'), <input id="audit-q" data-testid="audit-q" type="search" autoComplete="off" title={to('auditSearch.textHint')} value={draft.q} onInput={set('q')} />)}
      {field('user', to('auditSearch.user'), <input id="audit-user" data-testid="audit-user" autoComplete="off" title={to('auditSearch.userHint')} value={draft.user} onInput={set('user')} />)}
      {field('action', to('auditSearch.action'), <input id="audit-action" data-testid="audit-action" list="audit-actions" autoComplete="off" title={to('auditSearch.actionHint')} value={draft.action} onInput={set('action')} />)}
      <datalist id="audit-actions">
        {messageKeysUnder('auditAction').map((a) => (
          <option key={a} value={a} label={labelOf('auditAction', a)} />
        ))}
      </datalist>
      {field(
        'outcome',
        to('auditSearch.outcome'),
        <select id="audit-outcome" data-testid="audit-outcome" value={draft.outcome} onChange={set('outcome')}>
          <option value="">{to('auditSearch.anyOutcome')}</option>
          {AUDIT_OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {t(`audit.outcome.${o}`)}
            </option>
          ))}
        </select>,
      )}
      {field('from', to('auditSearch.from'), <input id="audit-from" data-testid="audit-from" type="datetime-local" value={draft.from} onInput={set('from')} />)}
      {field('to', to('auditSearch.to'), <input id="audit-to" data-testid="audit-to" type="datetime-local" value={draft.to} onInput={set('to')} />)}
      <div class="field btn-row">
        <button type="submit" class="btn btn-primary" data-testid="audit-search" disabled={busy}>
          {to('auditSearch.search')}
        </button>
        <button type="button" class="btn" data-testid="audit-reset" disabled={busy} onClick={reset}>
          {to('auditSearch.reset')}
        </button>
        <a class="btn" href={csvHref} download data-testid="audit-csv" title={to('auditSearch.csvHint')}>
          {to('auditSearch.csv')}
        </a>
      </div>
    </form>
  );
}
