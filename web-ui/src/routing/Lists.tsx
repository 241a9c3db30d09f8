// Black/white lists: each list's entries with their hit counters; a
// technician adds an entry (the API checks the number and says what is wrong
// with it) or removes one added here (the file's entries are changed in the
// configuration), and exports or imports a list as CSV. Each change is
// audited by the API.
import { useCallback, useEffect, useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import { formatDateTime } from '../format';
import type { ListEntryView, RoutingView } from '../types';
import { addListEntry, importListCsv, listCsvUrl, listEntries, removeListEntry } from './api';
import { tr, type RoutingMessageKey } from './i18n';

type Message = { ok: boolean; text: string; lines?: string[] } | null;

const entryName = (e: { number: string | null; prefix: string | null }) => (e.number ?? (e.prefix ? tr('lists.prefix', { prefix: e.prefix }) : ''));

export function Lists({ view }: { view: RoutingView }) {
  const [selected, setSelected] = useState(view.lists[0]?.id ?? '');
  const list = view.lists.find((l) => l.id === selected) ?? view.lists[0];
  if (!list) return <p class="muted">{tr('lists.none')}</p>;
  return (
    <section aria-labelledby="lists-title">
      <h2 id="lists-title">{tr('nav.lists')}</h2>
      <p class="muted">{tr('lists.intro')}</p>
      <div class="btn-row" role="group" aria-label={tr('nav.lists')}>
        {view.lists.map((l) => (
          <button key={l.id} type="button" class={`btn btn-small${l.id === list.id ? ' btn-primary' : ''}`} aria-pressed={l.id === list.id} data-testid={`list-tab-${l.id}`} onClick={() => setSelected(l.id)}>
            {l.name ?? l.id}
          </button>
        ))}
      </div>
      {/* A new list, a new page: its form and messages start empty. */}
      <ListPanel key={list.id} list={list} version={JSON.stringify(view.lists)} />
    </section>
  );
}

function ListPanel({ list, version }: { list: RoutingView['lists'][number]; version: string }) {
  const [entries, setEntries] = useState<ListEntryView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [message, setMessage] = useState<Message>(null);
  const name = list.name ? `${list.name} (${list.id})` : list.id;

  const reload = useCallback(async () => {
    const r = await listEntries(list.id);
    if (!r.ok) return setLoadError(describeError(r));
    setLoadError(null);
    setEntries(r.data.entries);
  }, [list.id]);
  // Again whenever the lists change (another technician, an import, central).
  useEffect(() => void reload(), [reload, version]);

  async function remove(e: ListEntryView) {
    if (e.id === null || !confirm(tr('lists.removeConfirm', { entry: entryName(e), list: name }))) return;
    const r = await removeListEntry(list.id, e.id);
    setMessage(r.ok ? { ok: true, text: tr('lists.removed', { entry: entryName(e), list: name }) } : { ok: false, text: describeError(r) });
    void reload();
  }

  return (
    <div class="panel" data-testid={`list-${list.id}`}>
      <h3>{name}</h3>
      <p class="muted">
        {tr('lists.summary', { kind: tr(`lists.kind.${list.kind}` as RoutingMessageKey), direction: tr(`lists.direction.${list.direction}` as RoutingMessageKey), count: list.entries })}
      </p>
      {loadError && (
        <p class="msg msg-error" role="alert">
          {loadError}
        </p>
      )}
      {message && (
        <div class={`msg ${message.ok ? 'msg-ok' : 'msg-error'}`} role={message.ok ? 'status' : 'alert'} data-testid="list-message">
          <p>{message.text}</p>
          {message.lines && message.lines.length > 0 && (
            <>
              <p>{tr('lists.importProblems')}</p>
              <ul lang="en">
                {message.lines.map((l, i) => (
                  <li key={i}>{l}</li>
                ))}
              </ul>
            </>
          )}
        </div>
      )}
      {entries && (
        <div class="table-wrap">
          <table class="table table-cards" data-testid="list-entries">
            <thead>
              <tr>
                <th scope="col">{tr('lists.col.entry')}</th>
                <th scope="col">{tr('lists.col.reason')}</th>
                <th scope="col">{tr('lists.col.expires')}</th>
                <th scope="col">{tr('lists.col.source')}</th>
                <th scope="col">{tr('lists.col.hits')}</th>
                <th scope="col">{tr('lists.col.lastHit')}</th>
                <th scope="col">{tr('lists.col.actions')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.length === 0 && (
                <tr>
                  <td colSpan={7} class="muted">
                    {tr('lists.empty')}
                  </td>
                </tr>
              )}
              {entries.map((e) => (
                <tr key={`${e.source}-${e.id ?? ''}-${e.number ?? ''}-${e.prefix ?? ''}`} data-testid="list-entry" data-entry={e.number ?? e.prefix ?? ''} data-hits={e.hits}>
                  <td data-label={tr('lists.col.entry')}>{entryName(e)}</td>
                  <td data-label={tr('lists.col.reason')}>{e.reason ?? ''}</td>
                  <td data-label={tr('lists.col.expires')}>{e.expires ?? ''}</td>
                  <td data-label={tr('lists.col.source')}>{e.source === 'config' ? tr('lists.source.config') : tr('lists.source.runtime', { by: e.addedBy ?? '?', at: formatDateTime(e.addedAt) })}</td>
                  <td data-label={tr('lists.col.hits')} data-testid="list-entry-hits">
                    {e.hits}
                  </td>
                  <td data-label={tr('lists.col.lastHit')}>{e.lastHitAt ? formatDateTime(e.lastHitAt) : tr('lists.never')}</td>
                  <td data-label={tr('lists.col.actions')}>
                    {e.id !== null && (
                      <button type="button" class="btn btn-small btn-danger" data-testid="list-entry-remove" onClick={() => void remove(e)}>
                        {tr('lists.remove')}
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <AddEntry list={list.id} name={name} onDone={(m) => (setMessage(m), void reload())} />
      <CsvTools list={list.id} onDone={(m) => (setMessage(m), void reload())} />
    </div>
  );
}

function AddEntry({ list, name, onDone }: { list: string; name: string; onDone: (m: Message) => void }) {
  const [kind, setKind] = useState<'number' | 'prefix'>('number');
  const [value, setValue] = useState('');
  const [reason, setReason] = useState('');
  const [expires, setExpires] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(ev: Event) {
    ev.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    // The number goes as typed: the API checks it and its message says what is wrong.
    const r = await addListEntry(list, { [kind]: value.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}), ...(expires ? { expires } : {}) });
    setBusy(false);
    if (!r.ok) return setError(describeError(r));
    setValue('');
    setReason('');
    setExpires('');
    onDone({ ok: true, text: tr('lists.added', { entry: entryName(r.data), list: name }) });
  }

  return (
    <form class="form-grid routing-form" onSubmit={submit} noValidate data-testid="list-add">
      <h4 class="form-title">{tr('lists.add', { list: name })}</h4>
      <div class="field">
        <label for={`la-kind-${list}`}>{tr('lists.addKind')}</label>
        <select id={`la-kind-${list}`} data-testid="list-add-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value === 'prefix' ? 'prefix' : 'number')}>
          <option value="number">{tr('lists.addNumber')}</option>
          <option value="prefix">{tr('lists.addPrefix')}</option>
        </select>
      </div>
      <div class="field">
        <label for={`la-value-${list}`}>{tr('lists.addValue')}</label>
        <input id={`la-value-${list}`} data-testid="list-add-value" inputMode="tel" autocomplete="off" value={value} aria-invalid={error ? 'true' : undefined} aria-describedby={error ? `la-error-${list}` : undefined} onInput={(e) => setValue(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`la-reason-${list}`}>{tr('lists.addReason')}</label>
        <input id={`la-reason-${list}`} data-testid="list-add-reason" maxLength={120} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
      </div>
      <div class="field">
        <label for={`la-expires-${list}`}>{tr('lists.addExpires')}</label>
        <input id={`la-expires-${list}`} data-testid="list-add-expires" type="date" value={expires} onInput={(e) => setExpires(e.currentTarget.value)} />
      </div>
      <div class="field field-submit">
        <button type="submit" class="btn btn-primary" data-testid="list-add-submit" disabled={busy}>
          {tr('lists.addSubmit')}
        </button>
      </div>
      {error && (
        <p class="msg msg-error" role="alert" id={`la-error-${list}`} data-testid="list-add-error">
          {error}
        </p>
      )}
    </form>
  );
}

function CsvTools({ list, onDone }: { list: string; onDone: (m: Message) => void }) {
  const [busy, setBusy] = useState(false);
  async function upload(input: HTMLInputElement) {
    const file = input.files?.[0];
    if (!file) return;
    setBusy(true);
    let text: string;
    try {
      text = await file.text();
    } catch {
      setBusy(false);
      return onDone({ ok: false, text: tr('lists.importRead') });
    }
    const r = await importListCsv(list, text);
    setBusy(false);
    input.value = ''; // the same file again is a new import
    if (!r.ok) return onDone({ ok: false, text: describeError(r) });
    onDone({ ok: true, text: tr('lists.imported', { added: r.data.added, skipped: r.data.skipped }), lines: r.data.problems });
  }
  return (
    <div class="btn-row list-csv">
      <a class="btn" href={listCsvUrl(list)} download data-testid="list-export">
        {tr('lists.export')}
      </a>
      <label class="btn" for={`csv-${list}`}>
        {tr('lists.import')}
      </label>
      <input id={`csv-${list}`} class="sr-only" type="file" accept=".csv,text/csv" data-testid="list-import" disabled={busy} aria-describedby={`csv-hint-${list}`} onChange={(e) => void upload(e.currentTarget)} />
      <span class="policy" id={`csv-hint-${list}`}>
        {tr('lists.importHint')}
      </span>
    </div>
  );
}
