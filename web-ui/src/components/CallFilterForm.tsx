// The call search form. Holds what is being typed; hands the API filters
// (times converted from local date-time to ISO-8601 UTC) to onSearch.
import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { labelOf, localToIso } from '../format';
import { t } from '../i18n';
import type { CallFilters } from '../types';

/** Offered in the cause field; any other cause can still be typed. */
const CAUSES = [
  'NORMAL_CLEARING',
  'USER_BUSY',
  'NO_ANSWER',
  'USER_NOT_REGISTERED',
  'ORIGINATOR_CANCEL',
  'PRE_EMPTED',
  'CALL_REJECTED',
  'NO_USER_RESPONSE',
  'UNALLOCATED_NUMBER',
  'NORMAL_TEMPORARY_FAILURE',
  'MANAGER_REQUEST',
  'ALLOTTED_TIMEOUT',
];

export const NO_FILTERS: CallFilters = { number: '', from: '', to: '', cause: '', direction: '', zone: '' };

interface CallFilterFormProps {
  busy: boolean;
  onSearch: (filters: CallFilters) => void;
  /** CSV link for the filters shown; null hides it (role). */
  exportHref: string | null;
}

export function CallFilterForm({ busy, onSearch, exportHref }: CallFilterFormProps) {
  const [draft, setDraft] = useState<CallFilters>(NO_FILTERS);
  const set = (k: keyof CallFilters) => (e: Event) => {
    const value = (e.currentTarget as HTMLInputElement | HTMLSelectElement).value;
    setDraft((d) => ({ ...d, [k]: value }));
  };
  const field = (k: keyof CallFilters, label: string, input: ComponentChildren) => (
    <div class="field">
      <label for={`calls-${k}`}>{label}</label>
      {input}
    </div>
  );

  function submit(e: Event) {
    e.preventDefault();
    onSearch({
      number: draft.number.trim(),
      from: localToIso(draft.from),
      to: localToIso(draft.to),
      cause: draft.cause.trim().toUpperCase(),
      direction: draft.direction,
      zone: draft.zone.trim(),
    });
  }

  function reset() {
    setDraft(NO_FILTERS);
    onSearch(NO_FILTERS);
  }

  return (
    <form class="panel form-grid" role="search" aria-label={t('calls.filters')} onSubmit={submit}>
      {field(
        'number',
        t('calls.number'),
        <input
          id="calls-number"
          data-testid="calls-number"
          inputMode="tel"
          autoComplete="off"
          title={t('calls.numberHint')}
          value={draft.number}
          onInput={set('number')}
        />,
      )}
      {field(
        'from',
        t('calls.from'),
        <input id="calls-from" data-testid="calls-from" type="datetime-local" value={draft.from} onInput={set('from')} />,
      )}
      {field(
        'to',
        t('calls.to'),
        <input id="calls-to" data-testid="calls-to" type="datetime-local" value={draft.to} onInput={set('to')} />,
      )}
      {field(
        'cause',
        t('calls.cause'),
        <input
          id="calls-cause"
          data-testid="calls-cause"
          list="calls-causes"
          autoComplete="off"
          value={draft.cause}
          onInput={set('cause')}
        />,
      )}
      <datalist id="calls-causes">
        {CAUSES.map((c) => (
          <option key={c} value={c} label={labelOf('cause', c)} />
        ))}
      </datalist>
      {field(
        'direction',
        t('calls.direction'),
        <select id="calls-direction" data-testid="calls-direction" value={draft.direction} onChange={set('direction')}>
          <option value="">{t('calls.anyDirection')}</option>
          <option value="inbound">{t('direction.inbound')}</option>
          <option value="outbound">{t('direction.outbound')}</option>
        </select>,
      )}
      {field(
        'zone',
        t('calls.zone'),
        <input id="calls-zone" data-testid="calls-zone" autoComplete="off" value={draft.zone} onInput={set('zone')} />,
      )}
      <div class="field btn-row">
        <button type="submit" class="btn btn-primary" data-testid="calls-search" disabled={busy}>
          {t('calls.search')}
        </button>
        <button type="button" class="btn" data-testid="calls-reset" disabled={busy} onClick={reset}>
          {t('calls.reset')}
        </button>
        {exportHref && (
          <a class="btn" href={exportHref} download data-testid="calls-export" title={t('calls.exportHint')}>
            {t('calls.export')}
          </a>
        )}
      </div>
    </form>
  );
}
