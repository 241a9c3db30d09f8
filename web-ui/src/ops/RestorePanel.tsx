// Restore from a backup (admins). Two steps, each said before it is taken:
// the upload is checked as `callpoint restore` checks a file and, if it
// passes, kept ready — nothing changes yet, and it can be cancelled; the
// next start of the daemon (the restart below, or any other) replaces the
// database and configuration with it. A refusal shows the API's own words.
import { useState } from 'preact/hooks';
import type { ApiErr } from '../api';
import { When } from '../components/AlarmParts';
import { describeError } from '../components/Feedback';
import { Said } from '../components/Said';
import { getLang } from '../i18n';
import type { AuditEntry, StagedRestore } from '../types';
import { cancelRestore, uploadRestore } from './api';
import { to } from './i18n';

interface Props {
  pending: StagedRestore | null;
  maxUploadBytes: number;
  /** The staged restore changed (uploaded or cancelled): read the state again. */
  onChanged: () => void;
  /** What the last start made of a restore, from the audit log (after a restart from this page). */
  result: AuditEntry | null;
}

const size = (bytes: number) => new Intl.NumberFormat(getLang(), { style: 'unit', unit: 'megabyte', maximumFractionDigits: 1 }).format(bytes / 1e6);

export function RestorePanel({ pending, maxUploadBytes, onChanged, result }: Props) {
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ err: ApiErr } | { key: 'restore.tooLarge' } | null>(null);
  /** Clears the file input after an upload or a cancel. */
  const [inputKey, setInputKey] = useState(0);

  function choose(f: File | null) {
    setError(null);
    setFile(f);
    if (f && f.size > maxUploadBytes) setError({ key: 'restore.tooLarge' });
  }

  function forget() {
    setFile(null);
    setInputKey((k) => k + 1);
  }

  async function upload() {
    if (!file) return;
    setBusy(true);
    const r = await uploadRestore(file);
    setBusy(false);
    if (!r.ok) return setError({ err: r });
    setError(null);
    forget();
    onChanged();
  }

  async function cancel() {
    setBusy(true);
    const r = await cancelRestore();
    setBusy(false);
    if (!r.ok) return setError({ err: r });
    onChanged();
  }

  return (
    <section class="panel ops-panel" aria-labelledby="restore-title" data-testid="restore-panel">
      <h2 id="restore-title">{to('restore.title')}</h2>
      {result && (
        <p class={`msg ${result.outcome === 'ok' ? 'msg-ok' : 'msg-error'}`} role={result.outcome === 'ok' ? 'status' : 'alert'} data-testid="restore-result" data-outcome={result.outcome}>
          <Said phrase={result.phrase} detail={result.detail ?? ''} />
        </p>
      )}
      {pending ? (
        <div class="ops-confirm" data-testid="restore-pending">
          <p>
            <strong>{to('restore.pendingTitle')}</strong>
          </p>
          <p>
            {to('restore.pendingMade', { site: pending.manifest.site, node: pending.manifest.node, version: pending.manifest.callpointVersion })} <When iso={pending.manifest.createdAt} />
          </p>
          <p>
            {to('restore.pendingBy', { by: pending.by })} <When iso={pending.stagedAt} />
          </p>
          <p>{to('restore.pendingWhat')}</p>
          <button type="button" class="btn" data-testid="restore-cancel" disabled={busy} onClick={() => void cancel()}>
            {to('restore.cancel')}
          </button>
        </div>
      ) : (
        <>
          <p>{to('restore.intro')}</p>
          <div class="field">
            <label for="restore-file">{to('restore.file')}</label>
            <input key={inputKey} id="restore-file" data-testid="restore-file" type="file" accept=".tar,application/x-tar" disabled={busy} onChange={(e) => choose(e.currentTarget.files?.[0] ?? null)} />
          </div>
          {file && !(error && 'key' in error) && (
            <div class="ops-confirm" role="alertdialog" aria-labelledby="restore-confirm-title" data-testid="restore-confirm">
              <p id="restore-confirm-title">
                <strong>{to('restore.confirmTitle', { name: file.name, size: size(file.size) })}</strong>
              </p>
              <ol>
                <li>{to('restore.stepCheck')}</li>
                <li>{to('restore.stepReady')}</li>
                <li>{to('restore.stepApply')}</li>
              </ol>
              <div class="btn-row">
                <button type="button" class="btn btn-primary" data-testid="restore-upload" disabled={busy} onClick={() => void upload()}>
                  {busy ? to('restore.checking') : to('restore.upload')}
                </button>
                <button type="button" class="btn" data-testid="restore-forget" disabled={busy} onClick={forget}>
                  {to('common.cancel')}
                </button>
              </div>
            </div>
          )}
        </>
      )}
      {error && (
        <p class="msg msg-error" role="alert" data-testid="restore-error">
          {'err' in error ? (
            <>
              {error.err.status > 0 && `${to('restore.refused')} `}
              <span class="mono server-text" data-testid="restore-error-text">
                {describeError(error.err)}
              </span>
            </>
          ) : (
            to(error.key, { max: size(maxUploadBytes) })
          )}
        </p>
      )}
    </section>
  );
}
