// The appliance's upkeep (#/maintenance, admins): download a backup, restore
// one, restart the daemon. Every action is audited by the API.
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { ApiErr } from '../api';
import { describeError } from '../components/Feedback';
import { useTitle } from '../hooks';
import type { AuditEntry, MaintenanceState } from '../types';
import { BACKUP_URL, getMaintenance, NO_AUDIT_FILTERS, searchAudit } from './api';
import { to } from './i18n';
import { useRestart } from './restart';
import { RestartPanel } from './RestartPanel';
import { RestorePanel } from './RestorePanel';

export function Maintenance({ openAlarms }: { openAlarms: number }) {
  useTitle(to('maintenance.title'));
  const [state, setState] = useState<MaintenanceState | null>(null);
  const [error, setError] = useState<ApiErr | null>(null);
  const [restoreResult, setRestoreResult] = useState<AuditEntry | null>(null);

  const load = useCallback(async () => {
    const r = await getMaintenance();
    if (!r.ok) return setError(r);
    setError(null);
    setState(r.data);
    return r.data;
  }, []);
  useEffect(() => void load(), [load]);

  // Back from a restart that had a restore waiting: what the start made of it is in the audit log.
  const onBack = useCallback(
    async () => {
      const was = state?.pendingRestore;
      await load();
      if (!was) return;
      // The start writes one such entry whenever a restore waited, applied or refused (no time filter: the board's clock may differ from ours).
      const r = await searchAudit({ ...NO_AUDIT_FILTERS, action: 'backup.restore', user: 'system' }, 1);
      if (r.ok) setRestoreResult(r.data.entries[0] ?? null);
    },
    [state, load],
  );
  const { state: restart, restart: doRestart } = useRestart(() => void onBack());

  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title">{to('maintenance.title')}</h1>
      {error && (
        <p class="msg msg-error" role="alert" data-testid="maintenance-error">
          {describeError(error)}
        </p>
      )}
      <section class="panel ops-panel" aria-labelledby="backup-title">
        <h2 id="backup-title">{to('backup.title')}</h2>
        <p>{to('backup.intro')}</p>
        <p class="muted">{to('backup.secret')}</p>
        <a class="btn btn-primary" href={BACKUP_URL} download data-testid="backup-download">
          {to('backup.download')}
        </a>
      </section>
      {state && <RestorePanel pending={state.pendingRestore} maxUploadBytes={state.maxUploadBytes} onChanged={() => void load()} result={restoreResult} />}
      {state && <RestartPanel state={restart} restart={doRestart} openAlarms={openAlarms} restoring={!!state.pendingRestore} supervised={state.supervised} />}
    </section>
  );
}
