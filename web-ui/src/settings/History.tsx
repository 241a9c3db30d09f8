// The configuration's history: the last versions with who, when, from where
// and why; what restoring one would change; restore in one step (audited);
// export the file; import one (admins: validated, applied like any edit).
import { useEffect, useState } from 'preact/hooks';
import { describeError } from '../components/Feedback';
import { formatDateTime } from '../format';
import { roleAtLeast } from '../../../daemon/src/contracts/values.js';
import type { ConfigApplyResult, ConfigDiffEntry, ConfigVersionEntry, ConfigView, Role } from '../types';
import { exportUrl, importConfig, listVersions, restoreVersion, versionDetail } from './api';
import { ApplyReport, ConfigDiff } from './ConfigDiff';
import { tc, type ConfigMessageKey } from './i18n';

export function History(p: { view: ConfigView; reload: () => Promise<ConfigView | undefined>; role: Role }) {
  const [versions, setVersions] = useState<ConfigVersionEntry[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [open, setOpen] = useState<{ version: number; diff: ConfigDiffEntry[] } | null>(null);
  const [result, setResult] = useState<ConfigApplyResult | null>(null);
  const [busy, setBusy] = useState(false);
  const load = async () => {
    const r = await listVersions();
    if (r.ok) setVersions(r.data.versions);
    else setError(describeError(r));
  };
  useEffect(() => void load(), [p.view.version]);

  async function show(v: number) {
    const r = await versionDetail(v);
    if (r.ok) setOpen({ version: v, diff: r.data.diff });
    else setError(describeError(r));
  }
  async function restore(v: number) {
    setBusy(true);
    setError(null);
    const r = await restoreVersion(v);
    setBusy(false);
    if (!r.ok) return setError(r.body.errors?.length ? r.body.errors.map((e) => `${e.path}: ${e.message}`).join('; ') : describeError(r));
    setResult(r.data);
    setOpen(null);
    await p.reload();
  }

  return (
    <div data-testid="section-history">
      <p>
        <a class="btn" href={exportUrl} download data-testid="config-export">
          {tc('history.export')}
        </a>{' '}
        <span class="muted">{roleAtLeast(p.role, 'admin') ? tc('history.exportExact') : tc('history.exportMasked')}</span>
      </p>
      {error && (
        <p class="msg msg-error" role="alert" data-testid="history-error">
          {error}
        </p>
      )}
      {result && <ApplyReport version={result.version} applied={result.applied} pending={result.pending} />}
      <div class="table-wrap">
        <table class="table" data-testid="versions">
          <thead>
            <tr>
              <th scope="col">{tc('history.version')}</th>
              <th scope="col">{tc('history.when')}</th>
              <th scope="col">{tc('history.who')}</th>
              <th scope="col">{tc('history.from')}</th>
              <th scope="col">{tc('history.source')}</th>
              <th scope="col">{tc('history.reason')}</th>
              <th scope="col">{tc('history.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(versions ?? []).map((v) => (
              <tr key={v.version} data-testid={`version-${v.version}`} data-current={v.current}>
                <td class="num">
                  {v.version}
                  {v.current && <span class="badge badge-ok">{tc('history.current')}</span>}
                </td>
                <td class="nowrap">{formatDateTime(v.createdAt)}</td>
                <td>{v.username ?? tc('history.system')}{v.role ? ` (${v.role})` : ''}</td>
                <td class="mono">{v.ip ?? '—'}</td>
                <td>{tc(`source.${v.source}` as ConfigMessageKey)}{v.restoredFrom ? ` ← ${v.restoredFrom}` : ''}</td>
                <td>{v.reason ?? ''}</td>
                <td>
                  {!v.current && (
                    <button type="button" class="btn btn-small" data-testid={`version-show-${v.version}`} onClick={() => void show(v.version)}>
                      {tc('history.show')}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {open && (
        <section class="panel" data-testid="version-detail">
          <h3>{tc('history.restoreWould', { version: open.version })}</h3>
          <ConfigDiff diff={open.diff} testid="restore-diff" />
          {roleAtLeast(p.role, 'technician') && (
            <div class="btn-row">
              <button type="button" class="btn btn-primary" data-testid="version-restore" disabled={busy} onClick={() => void restore(open.version)}>
                {tc('history.restore', { version: open.version })}
              </button>
              <button type="button" class="btn" onClick={() => setOpen(null)}>
                {tc('review.back')}
              </button>
            </div>
          )}
        </section>
      )}
      {roleAtLeast(p.role, 'admin') && <Import view={p.view} reload={p.reload} onDone={setResult} />}
    </div>
  );
}

function Import(p: { view: ConfigView; reload: () => Promise<ConfigView | undefined>; onDone: (r: ConfigApplyResult) => void }) {
  const [text, setText] = useState('');
  const [errors, setErrors] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    const r = await importConfig(p.view.version, text, 'import');
    setBusy(false);
    if (!r.ok) return setErrors(r.body.errors?.length ? r.body.errors.map((x) => `${x.path}: ${x.message}`) : [describeError(r)]);
    setErrors([]);
    setText('');
    p.onDone(r.data);
    await p.reload();
  }
  return (
    <form class="panel" onSubmit={submit} data-testid="config-import">
      <h3>{tc('import.title')}</h3>
      <p class="muted">{tc('import.intro')}</p>
      <input
        type="file"
        accept=".yaml,.yml,text/yaml"
        aria-label={tc('import.file')}
        onChange={(e) => {
          const f = e.currentTarget.files?.[0];
          if (f) void f.text().then(setText);
        }}
      />
      <textarea rows={8} class="mono" aria-label={tc('import.text')} value={text} onInput={(e) => setText(e.currentTarget.value)} />
      {errors.length > 0 && (
        <ul class="msg msg-error" role="alert">
          {errors.map((x) => (
            <li key={x}>{x}</li>
          ))}
        </ul>
      )}
      <div class="btn-row">
        <button type="submit" class="btn btn-primary" disabled={busy || !text.trim()}>
          {tc('import.apply')}
        </button>
      </div>
    </form>
  );
}
